/** The venues a user can store API keys for and trade live on. */
import { z } from "zod";

export const LIVE_VENUES = ["binance-spot", "binance-usdm"] as const;
export type LiveVenue = (typeof LIVE_VENUES)[number];
export const LiveVenue = z.enum(LIVE_VENUES, { error: `must be one of ${LIVE_VENUES.join(", ")}` });

/** Exchange API keys and secrets as Binance issues them (and as ApiCredentials accepts them). */
export const ApiKeyText = z.string().regex(/^[\x21-\x7e]{8,512}$/, "must be 8-512 printable ASCII characters without spaces");
