/** Request and response bodies of the REST API, shared by the edge, the dashboard and tests. */
import { z } from "zod";

/** Every error the API returns has this body. */
export interface ApiErrorBody {
  error: { code: string; message: string; requestId?: string; details?: unknown };
}

export const Email = z
  .string()
  .trim()
  .max(254)
  .email("must be a valid email address")
  .transform((s) => s.toLowerCase());

/** Length limits follow NIST SP 800-63B: at least 8, long passphrases allowed. */
export const Password = z.string().min(8, "must be at least 8 characters").max(256);

export const RegisterRequest = z.strictObject({
  email: Email,
  password: Password,
  displayName: z.string().trim().min(1).max(64).optional(),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const LoginRequest = z.strictObject({
  email: Email,
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** The refresh token may come in the body (API clients) or in the HttpOnly cookie (browsers). */
export const RefreshRequest = z.strictObject({
  refreshToken: z.string().min(20).max(200).optional(),
});
export type RefreshRequest = z.infer<typeof RefreshRequest>;

export interface PublicUser {
  id: string;
  email: string;
  displayName: string | null;
  createdAt: string;
}

export interface AuthTokens {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
  tokenType: "Bearer";
}

export interface AuthResponse extends AuthTokens {
  user: PublicUser;
}

export type ComponentStatus = "up" | "down";

export interface ComponentHealth {
  status: ComponentStatus;
  latencyMs: number;
  error?: string;
}

export interface ApiHealthResponse {
  status: "ok" | "degraded" | "down";
  time: string;
  components: Record<"d1" | "kv" | "durableObject" | "bridge", ComponentHealth>;
}
