/**
 * `GET /_tenantry/about`: present only under `serve --emulator`, so the web UI knows to offer its
 * Emulator area. Carries no credential and nothing about workspaces.
 *
 * @example
 * { "emulator": true }
 */
import { Type, type Static } from '@sinclair/typebox';

export const EmulatorAbout = Type.Object({ emulator: Type.Literal(true) });
export type EmulatorAbout = Static<typeof EmulatorAbout>;
