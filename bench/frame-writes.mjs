#!/usr/bin/env node
// The per-frame files' writes, in the CPU seconds of this whole process (its libuv threads
// included): 600 files of one 192×108 grid's JSON text, written through a temporary name and
// renamed, either asynchronously with eight in flight (how detect/*.json was written until
// 2026-11-29) or synchronously one after another (writeFileAtomicSync, how it is written now).
// Run after `npm run build`: node bench/frame-writes.mjs [rounds]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import { writeFileAtomic, writeFileAtomicSync } from '../dist/src-main/sinks/atomic.js';

const FILES = 600;
const rounds = Number(process.argv[2] ?? 3);
const text = '[' + Array.from({ length: 108 }, (_, row) => '[' + Array.from({ length: 192 }, (_, column) => (row * column) % 7).join(', ') + ']').join(', ') + ']';

async function eightInFlight(dir) {
  const pending = new Set();
  for (let i = 0; i < FILES; i++) {
    const task = writeFileAtomic(join(dir, `${i}.json`), text).then(() => pending.delete(task));
    pending.add(task);
    while (pending.size >= 8) await Promise.race(pending);
  }
  await Promise.all(pending);
}

async function oneByOne(dir) {
  for (let i = 0; i < FILES; i++) {
    writeFileAtomicSync(join(dir, `${i}.json`), text);
    // As in a run: the event loop turns between frames.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const cpuMs = (usage) => Math.round((usage.user + usage.system) / 1000);
for (let round = 0; round < rounds; round++) {
  for (const [name, write] of [['async, 8 in flight', eightInFlight], ['sync, one by one', oneByOne]]) {
    const dir = await mkdtemp(join(tmpdir(), 'crowdheat-writes-'));
    const cpu = process.cpuUsage();
    const started = performance.now();
    await write(dir);
    const used = process.cpuUsage(cpu);
    console.log(`${name}: ${FILES} files of ${text.length} bytes, ${cpuMs(used)} ms CPU (user ${Math.round(used.user / 1000)}, sys ${Math.round(used.system / 1000)}), ${Math.round(performance.now() - started)} ms wall`);
    await rm(dir, { recursive: true, force: true });
  }
}
