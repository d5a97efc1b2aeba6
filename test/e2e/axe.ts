/**
 * axe-core in the page under test: the engine's own script injected as it is shipped, run on
 * the whole document against the WCAG 2.x A and AA rules (2.2 included).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One rule broken, as a test failure lists it: rule, impact and where. */
export interface Violation {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** The serious and critical WCAG A/AA violations of the page as it is now. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  const injected = await page.evaluate(() => 'axe' in window);
  // Evaluated through the debugging protocol: the app's Content-Security-Policy (script-src 'self') rightly refuses inline script tags.
  if (!injected) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
  });
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? '',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}
