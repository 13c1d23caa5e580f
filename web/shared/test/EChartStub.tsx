// Tests replace the ECharts wrapper (jsdom draws nothing) with its accessible name; the numbers
// are read from the charts' text summaries and tables, which are real.
export function EChart({ label }: { label: string }) {
  return <div role="img" aria-label={label} />;
}
