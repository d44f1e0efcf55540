// How much a page fault on fresh memory costs this machine: the first write to each page of a new mapping faults,
// and the kernel serves it by finding and zeroing a page. On bare metal that is about a microsecond or less; in some
// virtual machines each fault also goes through the hypervisor and costs 10-20 us. A scan touches tens of thousands
// of fresh pages (heap growth, read buffers, report blocks), so this cost, and not only the speed of JavaScript
// (reference-workload.mjs), decides how two machines compare. Prints the CPU time per fault in us, and the faults.
const PAGE = 4096;
const BYTES = 64 * 1024 * 1024;

const faultsBefore = process.resourceUsage().minorPageFault;
const started = process.cpuUsage();
// Larger than glibc's mmap threshold: a mapping of its own, every page fresh.
const memory = new Uint8Array(new ArrayBuffer(BYTES));
for (let at = 0; at < BYTES; at += PAGE) memory[at] = 1;
const used = process.cpuUsage(started);
// Counted, not assumed one per 4 KB page: with transparent huge pages one fault may map 2 MB.
const faults = process.resourceUsage().minorPageFault - faultsBefore;
let touched = 0;
for (let at = 0; at < BYTES; at += PAGE) touched += memory[at];
if (touched !== BYTES / PAGE || faults <= 0) throw new Error(`fresh memory probe: ${touched} pages written, ${faults} faults`);
console.log(`${((used.user + used.system) / faults).toFixed(2)} ${faults}`);
