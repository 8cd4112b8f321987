import { useState, type FormEvent } from "react";
import { useAction } from "../components/ui.js";
import { api, type Session } from "../lib/api.js";
import { useTitle } from "../lib/router.js";

/** Sign-in: the key is exchanged for an httpOnly session cookie and never stored in the page. */
export function LoginPage({ onSignedIn, signedIn }: { onSignedIn: (session: Session) => void; signedIn: boolean }) {
  useTitle("Sign in");
  const [key, setKey] = useState("");
  const { busy, error, setError, run } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!key.trim()) {
      setError("Paste an API key to sign in.");
      return;
    }
    await run(async () => {
      const session = await api.signIn(key.trim());
      setKey("");
      onSignedIn(session);
    });
  };

  return (
    <div className="login">
      <form className="login-card" onSubmit={submit} noValidate>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">P</span> Promptline
        </div>
        <h1>Sign in</h1>
        <p className="muted">
          {signedIn ? "You are signed in already; signing in again replaces the session." : "Use an API key of your workspace. The server started with one (PROMPTLINE_API_KEY) or printed one on its first start."}
        </p>
        <label className="field">
          <span className="field-label">API key</span>
          <input
            name="api_key"
            type="password"
            autoComplete="off"
            autoFocus
            placeholder="pl_…"
            value={key}
            onChange={(event) => setKey(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "login-error" : undefined}
          />
        </label>
        {error && (
          <p id="login-error" className="field-error" role="alert">
            {error}
          </p>
        )}
        <button className="button button-primary button-block" type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="fine-print">The key is exchanged for a session cookie the page's scripts cannot read; it is not kept in the browser.</p>
      </form>
    </div>
  );
}
