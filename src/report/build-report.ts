/**
 * Reads every input file in order through one aggregator and returns the
 * publishable model with what the page says about its sources. Files are
 * read one after another (records in a later file may complete commands
 * started in an earlier one, as with the Collector's rotated files).
 */
import { Aggregator } from './aggregate.js';
import type { PageSources } from './page.js';
import { DEFAULT_MIN_INSTALLS, publish } from './publish.js';
import type { ReportModel } from './publish.js';
import { emptyReadCounts, readCommandRecords } from './read-input.js';

export { DEFAULT_MIN_INSTALLS };

export interface BuiltReport {
  readonly model: ReportModel;
  readonly sources: PageSources;
}

export async function buildReport(files: readonly string[], options: { minInstalls?: number; now?: Date } = {}): Promise<BuiltReport> {
  const aggregator = new Aggregator(options.minInstalls ?? DEFAULT_MIN_INSTALLS);
  const counts = emptyReadCounts();
  for (const file of files) {
    await readCommandRecords(file, (record) => aggregator.add(record), counts);
  }
  const model = publish(aggregator.finish());
  return { model, sources: { files, spans: counts.spans, skippedLines: counts.skippedLines, generatedAt: options.now ?? new Date() } };
}
