/**
 * Runs before every test file (vitest `setupFiles`): the Console cache of any CLI or host a test
 * starts goes to a fresh folder of that file's own, never the user's cache folder, so a run on
 * one machine cannot answer another test's requests from what an earlier test fetched. A test
 * that sets CROWDHEAT_CACHE_DIR itself for a child process still wins.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.CROWDHEAT_CACHE_DIR = mkdtempSync(join(tmpdir(), 'crowdheat-test-cache-'));
