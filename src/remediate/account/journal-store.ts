import { readFile } from 'node:fs/promises';
import { UsageError } from '../../model/errors.js';
import { type Journal, type StepState, parseJournal } from './journal-format.js';
import { writeFileAtomic } from '../../io/write-file-atomic.js';

/**
 * The journal on disk. Every save writes a temporary file next to it, flushes
 * it and renames it over the journal, so a crash leaves the old or the new
 * journal, never half of one.
 */
export class JournalStore {
  constructor(
    readonly path: string,
    readonly journal: Journal,
    private readonly now: () => Date = () => new Date(),
  ) {}

  static async load(path: string, now?: () => Date): Promise<JournalStore> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read the journal ${path}: ${(error as Error).message}`);
    }
    return new JournalStore(path, parseJournal(text, path), now);
  }

  timestamp(): string {
    return this.now().toISOString();
  }

  /** Records a human-readable event and saves. */
  async event(message: string): Promise<void> {
    this.journal.events.push({ at: this.timestamp(), message });
    await this.save();
  }

  /** Marks a step started and saves before the call is made. */
  async start(step: StepState, message: string): Promise<void> {
    step.status = 'in-progress';
    step.startedAt = this.timestamp();
    delete step.finishedAt;
    delete step.error;
    delete step.refused;
    await this.event(message);
  }

  async finish(step: StepState, message: string, note?: string): Promise<void> {
    step.status = 'done';
    step.finishedAt = this.timestamp();
    if (note) step.note = note;
    await this.event(message);
  }

  async fail(step: StepState, error: string): Promise<void> {
    step.status = 'failed';
    step.finishedAt = this.timestamp();
    step.error = error;
    await this.event(`failed: ${error}`);
  }

  async save(): Promise<void> {
    this.journal.updatedAt = this.timestamp();
    await writeFileAtomic(this.path, `${JSON.stringify(this.journal, null, 2)}\n`);
  }
}
