/** Signed out: the brand and the sign-in / sign-up form. */
import { onMount, type JSX } from "solid-js";
import { AuthForm } from "../components/AuthForm";
import { useSession } from "../lib/session";

export function AuthPage(props: { onIntent?: () => void }): JSX.Element {
  const session = useSession();
  let intended = false;
  /** The user is about to sign in: a good moment to fetch what comes next. */
  const intent = () => {
    if (intended) return;
    intended = true;
    props.onIntent?.();
  };
  onMount(() => {
    document.title = "Sign in · Bot Core";
  });
  return (
    <main class="auth-page" onFocusIn={intent}>
      <p class="brand">
        <Logo /> Bot Core
      </p>
      <AuthForm auth={session} />
    </main>
  );
}

export function Logo(): JSX.Element {
  return (
    <svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="currentColor" />
      <path d="M7 21l6-7 5 4 7-9" fill="none" stroke="var(--logo-line)" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
