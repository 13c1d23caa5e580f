// Subscribing one of the user's applications to an API or API product at one of its tiers.
import { Link } from 'react-router';
import { Anchor, Modal, Select, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, DEVPORTAL } from '@shared/api/client';
import { FormActions } from '@shared/components/FormActions';
import { reportFormError, notifySuccess } from '@shared/components/forms';
import { ErrorNotice, Loading } from '@shared/components/QueryState';
import { useApplications, useSubscriptionsOfApi } from '../api/queries';
import type { ApiInfo, Subscription } from '../api/types';

export function tierNames(a: Pick<ApiInfo, 'tiers' | 'throttlingPolicies'>): string[] {
  return a.tiers?.map((t) => t.tierName) ?? a.throttlingPolicies ?? [];
}

interface Values {
  applicationId: string;
  throttlingPolicy: string;
}

export function SubscribeDialog({
  api: target,
  opened,
  onClose,
}: {
  api: ApiInfo;
  opened: boolean;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const apps = useApplications(opened);
  const subs = useSubscriptionsOfApi(target.id, opened);
  const tiers = tierNames(target);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { applicationId: '', throttlingPolicy: tiers[0] ?? '' },
    validate: {
      applicationId: (v) => (v ? null : 'Choose an application'),
      throttlingPolicy: (v) => (v ? null : 'Choose a tier'),
    },
  });
  const subscribe = useMutation({
    mutationFn: (v: Values) =>
      api<Subscription>(`${DEVPORTAL}/subscriptions`, { method: 'POST', body: { ...v, apiId: target.id } }),
    onSuccess: (s) => {
      void client.invalidateQueries({ queryKey: ['subscriptions'] });
      void client.invalidateQueries({ queryKey: ['applications'] });
      const app = apps.data?.list.find((a) => a.applicationId === s.applicationId);
      notifySuccess(
        `${app?.name ?? 'The application'} is subscribed to ${target.name} (${s.throttlingPolicy})`,
      );
      form.reset();
      onClose();
    },
    onError: (e) => reportFormError(form, e, ['applicationId', 'throttlingPolicy', 'apiId']),
  });
  const subscribed = new Set((subs.data?.list ?? []).map((s) => s.applicationId));
  const options = (apps.data?.list ?? []).map((a) => ({
    value: a.applicationId,
    label: subscribed.has(a.applicationId) ? `${a.name} (subscribed)` : a.name,
    disabled: subscribed.has(a.applicationId),
  }));

  return (
    <Modal opened={opened} onClose={onClose} title={`Subscribe to ${target.name} ${target.version}`}>
      {apps.isPending ? (
        <Loading label="Loading applications" />
      ) : apps.isError ? (
        <ErrorNotice error={apps.error} onRetry={() => void apps.refetch()} />
      ) : options.length === 0 ? (
        <Stack>
          <Text>
            You have no application yet. An application holds the keys your client uses to call APIs.
          </Text>
          <Anchor component={Link} to="/applications">
            Create an application
          </Anchor>
        </Stack>
      ) : (
        <form onSubmit={form.onSubmit((v) => subscribe.mutate(v))}>
          <Stack>
            <Select
              label="Application"
              placeholder="Choose an application"
              data={options}
              searchable
              required
              comboboxProps={{ withinPortal: false }}
              {...form.getInputProps('applicationId')}
            />
            <Select
              label="Tier"
              description="The rate of requests this subscription allows"
              data={tiers}
              required
              allowDeselect={false}
              comboboxProps={{ withinPortal: false }}
              {...form.getInputProps('throttlingPolicy')}
            />
            {tiers.length === 0 && <Text c="red">This API offers no tier, so it takes no subscription.</Text>}
            <FormActions
              submitLabel="Subscribe"
              pending={subscribe.isPending}
              submitDisabled={tiers.length === 0}
              onCancel={onClose}
            />
          </Stack>
        </form>
      )}
    </Modal>
  );
}
