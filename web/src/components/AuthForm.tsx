/**
 * One form for signing in and creating an account, switched by a toggle.
 * Validates before sending, shows the server's error message, and disables submit while pending.
 */
import { createSignal, createUniqueId, Show, type JSX } from "solid-js";
import type { LoginRequest, RegisterRequest } from "@bot-core/core";
import { ApiError } from "../lib/api";

export type AuthMode = "sign-in" | "register";

export interface AuthActions {
  signIn(input: LoginRequest): Promise<void>;
  register(input: RegisterRequest): Promise<void>;
}

export interface AuthFormProps {
  auth: AuthActions;
  initialMode?: AuthMode;
}

interface Values {
  email: string;
  password: string;
  displayName: string;
}
type Field = keyof Values;
export type FieldErrors = Partial<Record<Field, string>>;

/** A pragmatic shape check; the server has the final word. */
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const PASSWORD_MIN = 8;
const PASSWORD_MAX = 256;
const DISPLAY_NAME_MAX = 64;

export function validate(mode: AuthMode, values: Values): FieldErrors {
  const errors: FieldErrors = {};
  const email = values.email.trim();
  if (!email) errors.email = "Enter your email address.";
  else if (email.length > 254 || !EMAIL_RE.test(email)) errors.email = "Enter a valid email address, like name@example.com.";

  if (!values.password) errors.password = "Enter your password.";
  else if (values.password.length > PASSWORD_MAX) errors.password = `Use at most ${PASSWORD_MAX} characters.`;
  else if (mode === "register" && values.password.length < PASSWORD_MIN) errors.password = `Use at least ${PASSWORD_MIN} characters.`;

  if (mode === "register" && values.displayName.trim().length > DISPLAY_NAME_MAX) {
    errors.displayName = `Use at most ${DISPLAY_NAME_MAX} characters.`;
  }
  return errors;
}

function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function waitText(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.ceil(seconds))} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/** What to tell the user about a failed submit. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const message = sentence(err.message);
    return err.status === 429 && err.retryAfterSec ? `${message} You can try again in ${waitText(err.retryAfterSec)}.` : message;
  }
  return "Something went wrong. Please try again.";
}

export function AuthForm(props: AuthFormProps): JSX.Element {
  const id = createUniqueId();
  const ids = {
    heading: `auth-${id}-heading`,
    email: `auth-${id}-email`,
    password: `auth-${id}-password`,
    displayName: `auth-${id}-name`,
    passwordHint: `auth-${id}-password-hint`,
    serverError: `auth-${id}-server-error`,
  };
  const [mode, setMode] = createSignal<AuthMode>(props.initialMode ?? "sign-in");
  const [values, setValues] = createSignal<Values>({ email: "", password: "", displayName: "" });
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [serverError, setServerError] = createSignal<string | null>(null);
  const [pending, setPending] = createSignal(false);
  /** After the first submit, fields re-validate as the user types. */
  const [attempted, setAttempted] = createSignal(false);
  const inputs: Partial<Record<Field, HTMLInputElement>> = {};

  const isRegister = () => mode() === "register";

  function update(field: Field, value: string): void {
    setValues((v) => ({ ...v, [field]: value }));
    if (attempted()) setErrors(validate(mode(), values()));
  }

  function switchMode(): void {
    setMode(isRegister() ? "sign-in" : "register");
    setErrors(attempted() ? validate(mode(), values()) : {});
    setServerError(null);
  }

  async function submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (pending()) return;
    setAttempted(true);
    const current = values();
    const found = validate(mode(), current);
    setErrors(found);
    setServerError(null);
    const firstInvalid = (["email", "password", "displayName"] as const).find((f) => found[f]);
    if (firstInvalid) {
      inputs[firstInvalid]?.focus();
      return;
    }
    setPending(true);
    try {
      const email = current.email.trim();
      if (isRegister()) {
        const displayName = current.displayName.trim();
        await props.auth.register({ email, password: current.password, ...(displayName ? { displayName } : {}) });
      } else {
        await props.auth.signIn({ email, password: current.password });
      }
    } catch (err) {
      setServerError(describeError(err));
    } finally {
      setPending(false);
    }
  }

  const describedBy = (...parts: Array<string | false>) => parts.filter(Boolean).join(" ") || undefined;

  return (
    <form class="auth card" aria-labelledby={ids.heading} aria-busy={pending()} novalidate onSubmit={(e) => void submit(e)}>
      <h1 id={ids.heading}>{isRegister() ? "Create your account" : "Sign in"}</h1>
      <p class="muted">{isRegister() ? "Paper-trade crypto with live prices." : "Welcome back to Bot Core."}</p>

      <Show when={serverError()}>
        {(message) => (
          <p id={ids.serverError} class="alert" role="alert">
            {message()}
          </p>
        )}
      </Show>

      <div class="field">
        <label for={ids.email}>Email</label>
        <input
          ref={(el) => (inputs.email = el)}
          id={ids.email}
          name="email"
          type="email"
          inputmode="email"
          autocomplete={isRegister() ? "email" : "username"}
          autocapitalize="none"
          spellcheck={false}
          required
          value={values().email}
          aria-invalid={errors().email ? "true" : undefined}
          aria-describedby={describedBy(!!errors().email && `${ids.email}-error`)}
          onInput={(e) => update("email", e.currentTarget.value)}
        />
        <Show when={errors().email}>
          {(message) => (
            <p id={`${ids.email}-error`} class="field-error">
              {message()}
            </p>
          )}
        </Show>
      </div>

      <div class="field">
        <label for={ids.password}>Password</label>
        <input
          ref={(el) => (inputs.password = el)}
          id={ids.password}
          name="password"
          type="password"
          autocomplete={isRegister() ? "new-password" : "current-password"}
          required
          minLength={isRegister() ? PASSWORD_MIN : undefined}
          value={values().password}
          aria-invalid={errors().password ? "true" : undefined}
          aria-describedby={describedBy(!!errors().password && `${ids.password}-error`, isRegister() && ids.passwordHint)}
          onInput={(e) => update("password", e.currentTarget.value)}
        />
        <Show when={isRegister()}>
          <p id={ids.passwordHint} class="hint">
            At least {PASSWORD_MIN} characters. A long passphrase is best.
          </p>
        </Show>
        <Show when={errors().password}>
          {(message) => (
            <p id={`${ids.password}-error`} class="field-error">
              {message()}
            </p>
          )}
        </Show>
      </div>

      <Show when={isRegister()}>
        <div class="field">
          <label for={ids.displayName}>
            Display name <span class="muted">(optional)</span>
          </label>
          <input
            ref={(el) => (inputs.displayName = el)}
            id={ids.displayName}
            name="displayName"
            type="text"
            autocomplete="nickname"
            maxLength={DISPLAY_NAME_MAX}
            value={values().displayName}
            aria-invalid={errors().displayName ? "true" : undefined}
            aria-describedby={describedBy(!!errors().displayName && `${ids.displayName}-error`)}
            onInput={(e) => update("displayName", e.currentTarget.value)}
          />
          <Show when={errors().displayName}>
            {(message) => (
              <p id={`${ids.displayName}-error`} class="field-error">
                {message()}
              </p>
            )}
          </Show>
        </div>
      </Show>

      <button class="button primary" type="submit" disabled={pending()}>
        {pending() ? (isRegister() ? "Creating account…" : "Signing in…") : isRegister() ? "Create account" : "Sign in"}
      </button>

      <p class="switch">
        {isRegister() ? "Already have an account?" : "New to Bot Core?"}{" "}
        <button class="link" type="button" onClick={switchMode} disabled={pending()}>
          {isRegister() ? "Sign in instead" : "Create an account"}
        </button>
      </p>
    </form>
  );
}
