// Types of scripts/deploy.mjs for the deploy checks.
import type { WranglerConfig } from "./repo";
export interface DeployOptions { env: string; dryRun: boolean; outdir?: string | undefined }
export interface DeployResult { env: string; dryRun: boolean; outdir?: string; size?: { bytes: number; gzipBytes: number }; urls: string[] }
export const ENVIRONMENTS: readonly string[];
export const BUNDLE_BUDGET_GZIP_BYTES: number;
export function parseArgs(argv: readonly string[]): DeployOptions;
export function readConfig(): WranglerConfig;
export function placeholdersLeft(config: WranglerConfig, env: string): string[];
export function urlsOf(config: WranglerConfig, env: string, deployOutput?: string): string[];
export function remotePlan(env: string): string[];
export function missingSecrets(secretListJson: string): string[];
export function bundleSize(outdir: string): { bytes: number; gzipBytes: number };
export function deploy(options: DeployOptions, log?: (line: string) => void): Promise<DeployResult>;
