"""Drives the official PromptLayer Python SDK (1.5.14), unchanged, against a
Promptline server and the testkit's fake OpenAI, and prints what each call
returned (or raised) as one JSON object on stdout. The TypeScript test
(tests/e2e/promptlayer-python-sdk.test.ts) judges the results and reads the
stored records back through /api/v1.

Usage: python3 promptlayer_sdk_checks.py sync|async
Environment: PROMPTLAYER_BASE_URL, PROMPTLAYER_API_KEY, OPENAI_BASE_URL, OPENAI_API_KEY.
"""

import asyncio
import json
import os
import sys
import time
import traceback

from promptlayer import AsyncPromptLayer, PromptLayer
from promptlayer import exceptions as pl_exceptions
from promptlayer.utils import apublish_prompt_template

MODE = sys.argv[1]
PREFIX = f"py-{MODE}"
results = {}


def jsonable(value):
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    try:
        json.dumps(value)
        return value
    except TypeError:
        return repr(value)


def error_of(error):
    return {"error_class": type(error).__name__, "message": str(error)[:500]}


def record(name, fn):
    try:
        results[name] = {"ok": True, "value": jsonable(fn())}
    except Exception as error:  # noqa: BLE001 - every failure is a result to judge
        results[name] = {"ok": False, **error_of(error), "trace": traceback.format_exc()[-2000:]}


async def arecord(name, coro_fn):
    try:
        results[name] = {"ok": True, "value": jsonable(await coro_fn())}
    except Exception as error:  # noqa: BLE001
        results[name] = {"ok": False, **error_of(error), "trace": traceback.format_exc()[-2000:]}


# A chat template with a `/` in its name (sent as %2F), no api_type (as the
# dashboard and `promptline push` publish), and f-string variables.
greeting = {
    "prompt_name": f"{PREFIX}/greeting",
    "prompt_template": {
        "type": "chat",
        "input_variables": ["name", "price"],
        "messages": [
            {"role": "system", "content": [{"type": "text", "text": "You are kind."}]},
            {"role": "user", "content": [{"type": "text", "text": "Greet {name}; it costs {price:.2f} or {price}"}]},
        ],
    },
    "commit_message": "from python",
    "metadata": {"model": {"provider": "openai", "name": "gpt-4o-mini", "parameters": {"temperature": 0.5}}},
    "tags": ["python"],
}
with_label = {**greeting, "release_labels": ["prod"]}
variables = {"name": "Ada", "price": 10.0}


def io_templates():
    return {
        "input": {"type": "chat", "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]},
        "output": {"type": "chat", "messages": [{"role": "assistant", "content": [{"type": "text", "text": "Hello!"}]}]},
    }


def run_sync():
    pl = PromptLayer()
    record("publish", lambda: pl.templates.publish(greeting))
    record("publish_labelled", lambda: pl.templates.publish(with_label))
    record("get", lambda: pl.templates.get(greeting["prompt_name"], {"label": "prod", "input_variables": variables}))
    record("get_version", lambda: pl.templates.get(greeting["prompt_name"], {"version": 1}))
    record("all", lambda: pl.templates.all())
    record("all_prod", lambda: pl.templates.all(label="prod"))
    record(
        "run",
        lambda: pl.run(
            prompt_name=greeting["prompt_name"],
            prompt_release_label="prod",
            input_variables=variables,
            tags=["py-run"],
            metadata={"user": "u1"},
        ),
    )

    def streamed():
        chunks = list(pl.run(prompt_name=greeting["prompt_name"], input_variables=variables, tags=["py-stream"], stream=True))
        last = chunks[-1]
        return {
            "count": len(chunks),
            "request_id": last.get("request_id"),
            "prompt_blueprint": last.get("prompt_blueprint"),
            "texts": [
                (c.get("raw_response").choices[0].delta.content if c.get("raw_response") is not None and c.get("raw_response").choices else None)
                for c in chunks
            ],
        }

    record("run_stream", streamed)
    request_id = (results["run"].get("value") or {}).get("request_id")
    record("group_create", lambda: pl.group.create())
    group_id = results["group_create"].get("value")
    record("track_metadata", lambda: pl.track.metadata(request_id=request_id, metadata={"reviewed": "yes"}))
    record("track_score", lambda: pl.track.score(request_id=request_id, score=90))
    record("track_score_named", lambda: pl.track.score(request_id=request_id, score=70, score_name="accuracy"))
    record(
        "track_prompt",
        lambda: pl.track.prompt(request_id=request_id, prompt_name=greeting["prompt_name"], prompt_input_variables={"name": "Bo"}),
    )
    record("track_group", lambda: pl.track.group(request_id=request_id, group_id=group_id))
    now = time.time()
    record(
        "log_request",
        lambda: pl.log_request(
            provider="openai",
            model="gpt-4o-mini",
            **io_templates(),
            request_start_time=now - 1.25,
            request_end_time=now,
            input_tokens=1000,
            output_tokens=1000,
        ),
    )
    record("not_found", lambda: pl.templates.get(f"{PREFIX}/missing"))
    record("unauthorized", lambda: PromptLayer(api_key="pl_wrong_key_0123456789").templates.get(greeting["prompt_name"]))


async def run_async():
    pl = AsyncPromptLayer()
    # AsyncPromptLayer's templates have no publish(); the SDK's async publish helper wants exactly 201.
    publish = lambda body: apublish_prompt_template(pl.api_key, pl.base_url, True, body)  # noqa: E731
    await arecord("publish", lambda: publish(greeting))
    await arecord("publish_labelled", lambda: publish(with_label))
    await arecord("get", lambda: pl.templates.get(greeting["prompt_name"], {"label": "prod", "input_variables": variables}))
    await arecord("get_version", lambda: pl.templates.get(greeting["prompt_name"], {"version": 1}))
    await arecord("all", lambda: pl.templates.all())
    await arecord("all_prod", lambda: pl.templates.all(label="prod"))
    await arecord(
        "run",
        lambda: pl.run(
            prompt_name=greeting["prompt_name"],
            prompt_release_label="prod",
            input_variables=variables,
            tags=["py-run"],
            metadata={"user": "u1"},
        ),
    )

    async def streamed():
        chunks = [chunk async for chunk in await pl.run(prompt_name=greeting["prompt_name"], input_variables=variables, tags=["py-stream"], stream=True)]
        last = chunks[-1]
        return {
            "count": len(chunks),
            "request_id": last.get("request_id"),
            "prompt_blueprint": last.get("prompt_blueprint"),
            "texts": [
                (c.get("raw_response").choices[0].delta.content if c.get("raw_response") is not None and c.get("raw_response").choices else None)
                for c in chunks
            ],
        }

    await arecord("run_stream", streamed)
    request_id = (results["run"].get("value") or {}).get("request_id")
    await arecord("group_create", lambda: pl.group.create())
    group_id = results["group_create"].get("value")
    await arecord("track_metadata", lambda: pl.track.metadata(request_id=request_id, metadata={"reviewed": "yes"}))
    await arecord("track_score", lambda: pl.track.score(request_id=request_id, score=90))
    await arecord("track_score_named", lambda: pl.track.score(request_id=request_id, score=70, score_name="accuracy"))
    await arecord(
        "track_prompt",
        lambda: pl.track.prompt(request_id=request_id, prompt_name=greeting["prompt_name"], prompt_input_variables={"name": "Bo"}),
    )
    await arecord("track_group", lambda: pl.track.group(request_id=request_id, group_id=group_id))
    now = time.time()
    await arecord(
        "log_request",
        lambda: pl.log_request(
            provider="openai",
            model="gpt-4o-mini",
            **io_templates(),
            request_start_time=now - 1.25,
            request_end_time=now,
            input_tokens=1000,
            output_tokens=1000,
        ),
    )
    await arecord("not_found", lambda: pl.templates.get(f"{PREFIX}/missing"))
    await arecord("unauthorized", lambda: AsyncPromptLayer(api_key="pl_wrong_key_0123456789").templates.get(greeting["prompt_name"]))


if MODE == "sync":
    run_sync()
else:
    asyncio.run(run_async())

# The exception classes the SDK raises, by name, so the test can check the mapping.
results["_exceptions"] = {"not_found": pl_exceptions.PromptLayerNotFoundError.__name__, "auth": pl_exceptions.PromptLayerAuthenticationError.__name__}
print(json.dumps(results, default=repr))
