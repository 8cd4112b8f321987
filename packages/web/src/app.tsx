import { useEffect, useState } from "react";
import { Spinner } from "./components/ui.js";
import { ApiError, api, type Session } from "./lib/api.js";
import { PermissionsContext, permissionsOf, roleOf } from "./lib/permissions.js";
import { Link, match, navigate, useLocation } from "./lib/router.js";
import { TracePage } from "./pages/trace-page.js";
import { TracesPage } from "./pages/traces-page.js";
import { AdminPage } from "./pages/admin-page.js";
import { LoginPage } from "./pages/login-page.js";
import { PlaygroundPage } from "./pages/playground-page.js";
import { PromptEditorPage } from "./pages/prompt-editor-page.js";
import { PromptPage } from "./pages/prompt-page.js";
import { PromptsPage } from "./pages/prompts-page.js";
import { RequestPage } from "./pages/request-page.js";
import { RequestsPage } from "./pages/requests-page.js";

type SessionState = { status: "loading" } | { status: "signed-out" } | { status: "signed-in"; session: Session };

/** The shell: checks the session cookie, then a sidebar and the page the URL names. */
export function App() {
  const [state, setState] = useState<SessionState>({ status: "loading" });
  const { path } = useLocation();

  useEffect(() => {
    api.session().then(
      (session) => setState({ status: "signed-in", session }),
      (error: unknown) => setState(error instanceof ApiError && error.status === 401 ? { status: "signed-out" } : { status: "signed-out" }),
    );
  }, []);

  // `/` focuses the page's search box, as in most dashboards.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key !== "/" || event.metaKey || event.ctrlKey || event.altKey) return;
      if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
      const search = document.querySelector<HTMLInputElement>("[data-search]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  if (state.status === "loading") return <div className="boot"><Spinner /></div>;
  if (state.status === "signed-out" || path === "/login") {
    return (
      <LoginPage
        signedIn={state.status === "signed-in"}
        onSignedIn={(session) => {
          setState({ status: "signed-in", session });
          const next = new URLSearchParams(window.location.search).get("next");
          navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/prompts", { replace: true });
        }}
      />
    );
  }

  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    setState({ status: "signed-out" });
    navigate("/login", { replace: true });
  };

  const permissions = permissionsOf(roleOf(state.session));

  return (
    <PermissionsContext.Provider value={permissions}>
    <div className="layout">
      <a className="skip-link" href="#main">Skip to content</a>
      <aside className="sidebar">
        <Link to="/prompts" className="brand">
          <span className="brand-mark" aria-hidden="true">P</span> Promptline
        </Link>
        <nav aria-label="Main">
          <NavLink to="/prompts" active={path === "/" || path.startsWith("/prompts")} icon="▤">Prompts</NavLink>
          <NavLink to="/requests" active={path.startsWith("/requests")} icon="≡">Requests</NavLink>
          <NavLink to="/traces" active={path.startsWith("/traces")} icon="≋">Traces</NavLink>
          <NavLink to="/playground" active={path.startsWith("/playground")} icon="▷">Playground</NavLink>
          {permissions.admin && <NavLink to="/admin" active={path.startsWith("/admin")} icon="◎">Access</NavLink>}
        </nav>
        <div className="sidebar-foot">
          <div className="whoami">
            <span className="muted">Signed in with</span>
            <code>{state.session.key.prefix}…</code>
            {state.session.key.name && <span className="muted">{state.session.key.name}</span>}
            <span className={`badge badge-role role-${permissions.role}`} data-testid="session-role">{permissions.role}</span>
          </div>
          <button className="button button-ghost" onClick={signOut}>Sign out</button>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        <Page path={path} />
      </main>
    </div>
    </PermissionsContext.Provider>
  );
}

function NavLink({ to, active, icon, children }: { to: string; active: boolean; icon: string; children: string }) {
  return (
    <Link to={to} className={`nav-link ${active ? "active" : ""}`} aria-current={active ? "page" : undefined}>
      <span className="nav-icon" aria-hidden="true">{icon}</span>
      {children}
    </Link>
  );
}

function Page({ path }: { path: string }) {
  let params: Record<string, string> | undefined;
  if (path === "/" || path === "/prompts") return <PromptsPage />;
  if (path === "/prompts/new") return <PromptEditorPage />;
  if ((params = match("/prompts/:name/edit", path))) return <PromptEditorPage name={params.name!} />;
  if ((params = match("/prompts/:name", path))) return <PromptPage key={params.name} name={params.name!} />;
  if (path === "/requests") return <RequestsPage />;
  if ((params = match("/requests/:id", path))) return <RequestPage key={params.id} id={params.id!} />;
  if (path === "/traces") return <TracesPage />;
  if ((params = match("/traces/:id", path))) return <TracePage key={params.id} traceId={params.id!} />;
  if (path === "/playground") return <PlaygroundPage />;
  if (path === "/admin") return <AdminPage />;
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>. <Link to="/prompts">Go to your prompts</Link>.
      </p>
    </div>
  );
}
