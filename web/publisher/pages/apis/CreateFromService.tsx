// An API from a Service Catalog service: pick the service, then POST /apis/import-service?serviceKey=
// with the API's basics (the service's URL is the endpoint unless one is given).
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Group, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, CATALOG, PUBLISHER } from '@shared/api/client';
import { notifySuccess } from '@shared/components/forms';
import { ErrorNotice } from '@shared/components/QueryState';
import type { ApiDetail, CatalogService } from '../../api/types';
import { reportApiError } from '../../components/apiRules';
import { keys } from '../api/queries';
import { BasicsFields, basicsBody, basicsFields, useBasicsForm } from './basics';

export function CreateFromService() {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [service, setService] = useState<CatalogService | null>(null);
  const form = useBasicsForm();
  const navigate = useNavigate();
  const client = useQueryClient();

  const services = useQuery({
    queryKey: ['catalog', 'services', { name: debounced, definitionType: 'OAS' }],
    queryFn: ({ signal }) =>
      api<{ list: CatalogService[] }>(`${CATALOG}/services`, {
        query: { name: debounced, definitionType: 'OAS', limit: 50 },
        signal,
      }),
    placeholderData: keepPreviousData,
  });

  const create = useMutation({
    mutationFn: ({ key, body }: { key: string; body: Partial<ApiDetail> }) =>
      api<ApiDetail>(`${PUBLISHER}/apis/import-service`, {
        method: 'POST',
        query: { serviceKey: key },
        body,
      }),
    onSuccess: (created) => {
      client.setQueryData(keys.api(created.id), created);
      void client.invalidateQueries({ queryKey: keys.apis });
      notifySuccess(`API ${created.name} ${created.version} created from ${service?.name ?? 'the service'}`);
      navigate(`/apis/${created.id}`);
    },
    onError: (error) => reportApiError(form, error, basicsFields),
  });

  const choose = (id: string | null) => {
    const s = services.data?.list.find((x) => x.id === id) ?? null;
    setService(s);
    if (s)
      form.setValues({
        name: (s.displayName || s.name).replace(/[~!@#;:%^*()+={}|\\<>"',&$[\]/]/g, '').slice(0, 60),
        context: `/${s.name.toLowerCase().replace(/[^a-z0-9\-_.~]+/g, '-')}`,
        version: s.version.replace(/[^A-Za-z0-9._-]/g, '') || '1.0.0',
        endpoint: '',
      });
  };

  return (
    <Stack>
      {services.isError && (
        <ErrorNotice
          error={services.error}
          onRetry={() => void services.refetch()}
          title="The services could not be listed"
        />
      )}
      <Select
        label="Service"
        description="OpenAPI services of the Service Catalog"
        placeholder="Search by name"
        searchable
        searchValue={search}
        onSearchChange={setSearch}
        filter={({ options }) => options}
        nothingFoundMessage={services.isFetching ? 'Loading…' : 'No OpenAPI service matches'}
        data={(services.data?.list ?? []).map((s) => ({
          value: s.id,
          label: `${s.displayName || s.name} ${s.version}`,
        }))}
        value={service?.id ?? null}
        onChange={choose}
      />
      {service && (
        <form
          onSubmit={form.onSubmit((v) => create.mutate({ key: service.key, body: basicsBody(v) }))}
          noValidate
        >
          <Stack>
            <Text size="sm" c="dimmed">
              {service.description || service.serviceUrl}
            </Text>
            <BasicsFields form={form} endpointLabel="Endpoint URL (empty: the service's URL)" />
            <Group justify="flex-end">
              <Button type="submit" loading={create.isPending}>
                Create
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
