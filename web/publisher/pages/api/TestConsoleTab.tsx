import { TestConsole } from './console/TestConsole';
import type { ApiTabProps } from './tabs';

export function TestConsoleTab({ api }: ApiTabProps) {
  return <TestConsole key={api.id} api={api} />;
}
