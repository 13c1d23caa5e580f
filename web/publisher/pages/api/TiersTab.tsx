// The subscription tiers the API offers (`policies`): what developers choose from when subscribing.
import { Checkbox, SimpleGrid, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifySuccess } from '@shared/components/forms';
import { QueryState } from '@shared/components/QueryState';
import type { ApiDetail } from '../../api/types';
import { reportApiError } from '../../components/apiRules';
import { SaveBar } from '../../components/SaveBar';
import { limitOf, useSaveApi, useTiers } from './queries';

export function TiersTab({ api }: { api: ApiDetail }) {
  const tiers = useTiers('subscription');
  const save = useSaveApi(api);
  const live = ['PUBLISHED', 'BLOCKED', 'DEPRECATED'].includes(api.lifeCycleStatus);
  const form = useForm<{ policies: string[] }>({
    mode: 'controlled',
    initialValues: { policies: api.policies ?? [] },
    validate: {
      policies: (v) =>
        live && v.length === 0 ? `A ${api.lifeCycleStatus} API must offer at least one tier` : null,
    },
  });
  const submit = form.onSubmit((v) =>
    save.mutate(v, {
      onSuccess: () => notifySuccess('Subscription tiers saved'),
      onError: (e) => reportApiError(form, e, { policies: 'policies' }),
    }),
  );
  return (
    <QueryState query={tiers} label="Loading the tiers">
      {(data) => (
        <form onSubmit={submit} noValidate>
          <Stack maw={900}>
            <Checkbox.Group
              label="Subscription tiers offered"
              description="Publishing needs at least one"
              key={form.key('policies')}
              {...form.getInputProps('policies')}
            >
              <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} mt="sm">
                {data.list.map((t) => (
                  <Checkbox.Card
                    key={t.name}
                    value={t.name}
                    radius="md"
                    p="md"
                    withBorder
                    aria-label={t.displayName || t.name}
                  >
                    <Stack gap={2}>
                      <Checkbox.Indicator />
                      <Text fw={600}>{t.displayName || t.name}</Text>
                      <Text size="sm" c="dimmed">
                        {t.description || limitOf(t)}
                      </Text>
                      {t.tierPlan && (
                        <Text size="xs" c="dimmed">
                          {t.tierPlan === 'FREE' ? 'Free' : t.tierPlan}
                        </Text>
                      )}
                    </Stack>
                  </Checkbox.Card>
                ))}
              </SimpleGrid>
            </Checkbox.Group>
            <SaveBar dirty={form.isDirty()} pending={save.isPending} onDiscard={() => form.reset()} />
          </Stack>
        </form>
      )}
    </QueryState>
  );
}
