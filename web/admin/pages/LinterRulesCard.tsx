// The Publisher's definition linter custom rules: a Spectral ruleset (JSON) the Publisher applies
// when it lints an API definition. Set, replaced or removed here; none set is a 404 from the server.
import { useState } from 'react';
import { Alert, Button, Card, Group, JsonInput, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '@shared/api/client';
import { notifySuccess } from '@shared/components/forms';
import { ErrorNotice, Loading } from '@shared/components/QueryState';
import { keys, paths } from '../api/admin';
import { ConfirmDelete } from '../components/dialogs';

const EXAMPLE = `{
  "rules": {
    "operation-description": {
      "description": "Every operation has a description",
      "given": "$.paths[*][*]",
      "severity": "warn",
      "then": { "field": "description", "function": "truthy" }
    }
  }
}`;

/** Why `text` is not a ruleset the server takes, or null. */
export function rulesetProblem(text: string): string | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'Not JSON';
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'A ruleset is a JSON object';
  const rules = (v as Record<string, unknown>).rules;
  if (!rules || typeof rules !== 'object' || Array.isArray(rules))
    return "'rules' is required: an object of rules by name";
  return null;
}

function Editor({ initial, onRemove }: { initial: string | null; onRemove: () => void }) {
  const client = useQueryClient();
  const [text, setText] = useState(initial ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: string) =>
      api<unknown>(paths.linterRules, {
        method: 'PUT',
        body,
        headers: { 'Content-Type': 'application/json' },
      }),
    onSuccess: (saved) => {
      client.setQueryData(keys.linterRules, saved);
      notifySuccess('Saved the linter rules');
    },
  });
  return (
    <Stack gap="sm">
      <JsonInput
        label="Ruleset (JSON)"
        description="A Spectral ruleset: 'rules' by name, and optionally 'extends'. At most 1 MiB."
        placeholder={EXAMPLE}
        autosize
        minRows={8}
        maxRows={24}
        value={text}
        onChange={(v) => {
          setText(v);
          setProblem(null);
        }}
        error={problem}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
      {save.isError && <ErrorNotice title="The server refused the rules" error={save.error} />}
      <Group justify="flex-end">
        {initial !== null && (
          <Button variant="default" color="red" onClick={onRemove}>
            Remove rules
          </Button>
        )}
        <Button
          loading={save.isPending}
          onClick={() => {
            const p = rulesetProblem(text);
            setProblem(p);
            if (!p) save.mutate(text);
          }}
        >
          Save rules
        </Button>
      </Group>
    </Stack>
  );
}

export function LinterRulesCard() {
  const client = useQueryClient();
  const [confirm, setConfirm] = useState(false);
  // null: none set (the server's 404).
  const query = useQuery({
    queryKey: keys.linterRules,
    queryFn: async ({ signal }) => {
      try {
        return await api<unknown>(paths.linterRules, { signal });
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        Definition linter rules
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Custom rules the Publisher portal checks API definitions against, beside its own.
      </Text>
      {query.isPending ? (
        <Loading label="Loading linter rules" />
      ) : query.isError ? (
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <>
          {query.data === null && (
            <Alert color="gray" mb="sm">
              No custom rules are set.
            </Alert>
          )}
          <Editor
            // A new key when the stored rules change, so the editor starts from them.
            key={query.data === null ? 'none' : JSON.stringify(query.data)}
            initial={query.data === null ? null : JSON.stringify(query.data, null, 2)}
            onRemove={() => setConfirm(true)}
          />
        </>
      )}
      {confirm && (
        <ConfirmDelete
          opened
          actionLabel="Remove"
          what="the linter rules"
          done="Removed the linter rules"
          consequence="The Publisher lints definitions with its own rules only."
          onClose={() => setConfirm(false)}
          onDelete={async () => {
            await api(paths.linterRules, { method: 'DELETE' });
            client.setQueryData(keys.linterRules, null);
          }}
        />
      )}
    </Card>
  );
}
