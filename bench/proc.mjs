import { readdirSync, readFileSync } from 'node:fs';

// The machine's processes as Linux's /proc gives them, for the benchmarks that measure a tree of
// processes (a server and its children, a run's worker and its ffmpegs).

const PAGE_BYTES = 4096;
const CLOCK_TICKS = 100;

/**
 * Every process now: pid, parent pid, command name, CPU seconds (user + sys, from `stat` fields
 * 14–15 in clock ticks of 1/100 s), minor page faults and resident bytes. A process that ends
 * while it is read is left out.
 */
export function processTable() {
  const table = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      table.push({
        pid: Number(name),
        parent: Number(fields[1]),
        name: stat.slice(stat.indexOf('(') + 1, close),
        cpu: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
        minorFaults: Number(fields[7]),
        rss: Number(fields[21]) * PAGE_BYTES,
      });
    } catch {
      // Ended meanwhile.
    }
  }
  return table;
}

/** The descendants of `pid` in `table` (processTable's rows), not `pid` itself. */
export function descendantsOf(table, pid) {
  const found = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const entry of table) {
      if (entry.parent !== parent) continue;
      found.push(entry);
      queue.push(entry.pid);
    }
  }
  return found;
}
