/**
 * `serve --emulator --faults faults.json` (issue 12): reads a fault profile, `{ "rules": [...] }`
 * or a bare array of rules (the control plane's rule schema), and checks it whole. A wrong file
 * is refused with every problem named by its JSON path, before the server listens.
 *
 * @example
 * const rules = readFaultProfile('faults.json'); // throws FaultProfileError listing /rules/0/effect/status: …
 */
import { readFileSync } from 'node:fs';
import { checkFaultRule } from '../domain/emulator/fault-rules.js';
import type { FaultRuleInput } from '../schemas/emulator/fault-rule.js';

/** A profile that cannot be used; `problems` name JSON paths. */
export class FaultProfileError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`--faults ${file} is refused (no rule was applied):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/**
 * The rules of a profile's text, or the problems of it (each naming a JSON path).
 *
 * @example
 * parseFaultProfile('{"rules":[{"effect":{"status":418}}]}'); // { problems: ['/rules/0/effect/status: …'] }
 */
export function parseFaultProfile(text: string): { rules: FaultRuleInput[] } | { problems: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { problems: [`/: not JSON (${err instanceof Error ? err.message : String(err)})`] };
  }
  const bare = Array.isArray(doc);
  const rules: unknown[] | undefined = bare ? (doc as unknown[]) : doc && typeof doc === 'object' && Array.isArray((doc as { rules?: unknown }).rules) ? (doc as { rules: unknown[] }).rules : undefined;
  if (!rules) return { problems: ['/: expected {"rules": [ … ]} or an array of rules'] };
  const problems: string[] = [];
  if (!bare) {
    for (const key of Object.keys(doc as object)) if (key !== 'rules') problems.push(`/${key}: unknown property (only "rules")`);
  }
  const prefix = bare ? '' : '/rules';
  rules.forEach((rule, i) => problems.push(...checkFaultRule(rule, `${prefix}/${i}`)));
  const seen = new Map<string, number>();
  rules.forEach((rule, i) => {
    const id = (rule as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first !== undefined) problems.push(`${prefix}/${i}/id: ${JSON.stringify(id)} is already the id of ${prefix}/${first}`);
    else seen.set(id, i);
  });
  return problems.length > 0 ? { problems } : { rules: rules as FaultRuleInput[] };
}

/** Reads and checks a profile file; throws FaultProfileError when it cannot be read or is wrong. */
export function readFaultProfile(file: string): FaultRuleInput[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FaultProfileError(file, [`cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  const parsed = parseFaultProfile(text);
  if ('problems' in parsed) throw new FaultProfileError(file, parsed.problems);
  return parsed.rules;
}
