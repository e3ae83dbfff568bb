import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { createSession } from "../lib/session";
import { apiError, authResponse, fakeFetch, json } from "../test/fake-fetch";
import { AuthForm, type AuthActions } from "./AuthForm";

function type(label: RegExp, value: string): void {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

const submitButton = (name: RegExp) => screen.getByRole("button", { name }) as HTMLButtonElement;

describe("AuthForm", () => {
  it("ties every label to its input", () => {
    render(() => <AuthForm auth={{ signIn: vi.fn(), register: vi.fn() }} />);
    expect(screen.getByLabelText(/email/i)).toHaveProperty("type", "email");
    expect(screen.getByLabelText(/^password/i)).toHaveProperty("type", "password");
    expect(screen.getByRole("heading", { name: "Sign in" })).toBeTruthy();
  });

  it("validates before sending anything, and moves focus to the first bad field", async () => {
    const auth: AuthActions = { signIn: vi.fn(async () => {}), register: vi.fn(async () => {}) };
    render(() => <AuthForm auth={auth} />);
    fireEvent.click(submitButton(/^sign in$/i));
    const email = screen.getByLabelText(/email/i);
    expect(screen.getByText("Enter your email address.")).toBeTruthy();
    expect(screen.getByText("Enter your password.")).toBeTruthy();
    expect(email.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(email.getAttribute("aria-describedby") ?? "")?.textContent).toBe("Enter your email address.");
    expect(document.activeElement).toBe(email);

    type(/email/i, "not-an-email");
    expect(screen.getByText("Enter a valid email address, like name@example.com.")).toBeTruthy();
    type(/email/i, "trader@example.com");
    expect(screen.queryByText(/valid email/)).toBeNull();
    expect(auth.signIn).not.toHaveBeenCalled();
  });

  it("asks for at least 8 characters when creating an account", () => {
    const auth: AuthActions = { signIn: vi.fn(async () => {}), register: vi.fn(async () => {}) };
    render(() => <AuthForm auth={auth} />);
    fireEvent.click(screen.getByRole("button", { name: "Create an account" }));
    expect(screen.getByRole("heading", { name: "Create your account" })).toBeTruthy();
    type(/email/i, "new@example.com");
    type(/^password/i, "short");
    fireEvent.click(submitButton(/^create account$/i));
    expect(screen.getByText("Use at least 8 characters.")).toBeTruthy();
    expect(auth.register).not.toHaveBeenCalled();
  });

  it("signs in through the API with the trimmed email", async () => {
    const f = fakeFetch({ "POST /auth/login": () => json(200, authResponse("trader@example.com")) });
    const session = createSession({ fetch: f.fetch, locks: null });
    render(() => <AuthForm auth={session} />);
    type(/email/i, "  trader@example.com ");
    type(/^password/i, "correct horse battery");
    fireEvent.click(submitButton(/^sign in$/i));
    await waitFor(() => expect(session.status()).toBe("signed-in"));
    expect(f.requests).toEqual([
      expect.objectContaining({ method: "POST", path: "/auth/login", body: { email: "trader@example.com", password: "correct horse battery" } }),
    ]);
  });

  it("creates an account through the API, with the optional display name", async () => {
    const f = fakeFetch({ "POST /auth/register": () => json(201, authResponse("new@example.com")) });
    const session = createSession({ fetch: f.fetch, locks: null });
    render(() => <AuthForm auth={session} initialMode="register" />);
    type(/email/i, "new@example.com");
    type(/^password/i, "a long enough password");
    type(/display name/i, "  Satoshi ");
    fireEvent.click(submitButton(/^create account$/i));
    await waitFor(() => expect(session.user()?.email).toBe("new@example.com"));
    expect(f.requests[0]?.body).toEqual({ email: "new@example.com", password: "a long enough password", displayName: "Satoshi" });
  });

  it("shows the server's error message and lets the user try again", async () => {
    const f = fakeFetch({ "POST /auth/login": () => apiError(401, "invalid_credentials", "email or password is incorrect") });
    render(() => <AuthForm auth={createSession({ fetch: f.fetch, locks: null })} />);
    type(/email/i, "trader@example.com");
    type(/^password/i, "wrong password");
    fireEvent.click(submitButton(/^sign in$/i));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("Email or password is incorrect.");
    expect(submitButton(/^sign in$/i).disabled).toBe(false);
  });

  it("says when to try again after too many attempts", async () => {
    const f = fakeFetch({
      "POST /auth/login": () => apiError(429, "rate_limited", "too many failed sign-in attempts; try again later", { "Retry-After": "840" }),
    });
    render(() => <AuthForm auth={createSession({ fetch: f.fetch, locks: null })} />);
    type(/email/i, "trader@example.com");
    type(/^password/i, "wrong password");
    fireEvent.click(submitButton(/^sign in$/i));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Too many failed sign-in attempts; try again later. You can try again in 14 minutes.",
    );
  });

  it("disables submit while the request is pending", async () => {
    let finish: (() => void) | undefined;
    const auth: AuthActions = {
      signIn: vi.fn(() => new Promise<void>((resolve) => (finish = resolve))),
      register: vi.fn(async () => {}),
    };
    render(() => <AuthForm auth={auth} />);
    type(/email/i, "trader@example.com");
    type(/^password/i, "whatever");
    fireEvent.click(submitButton(/^sign in$/i));
    const pending = submitButton(/signing in/i);
    expect(pending.disabled).toBe(true);
    fireEvent.submit(pending.form as HTMLFormElement);
    expect(auth.signIn).toHaveBeenCalledTimes(1);
    finish?.();
    await waitFor(() => expect(submitButton(/^sign in$/i).disabled).toBe(false));
  });

  it("clears the server error when switching between sign-in and sign-up", async () => {
    const auth: AuthActions = {
      signIn: vi.fn(async () => {
        throw new Error("boom");
      }),
      register: vi.fn(async () => {}),
    };
    render(() => <AuthForm auth={auth} />);
    type(/email/i, "trader@example.com");
    type(/^password/i, "whatever");
    fireEvent.click(submitButton(/^sign in$/i));
    expect((await screen.findByRole("alert")).textContent).toBe("Something went wrong. Please try again.");
    fireEvent.click(screen.getByRole("button", { name: "Create an account" }));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByRole("button", { name: "Sign in instead" })).toBeTruthy();
  });
});
