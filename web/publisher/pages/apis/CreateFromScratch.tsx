import { useNavigate } from 'react-router';
import { Button, Group, Stack, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, PUBLISHER } from '@shared/api/client';
import { notifySuccess } from '@shared/components/forms';
import type { ApiDetail } from '../../api/types';
import { reportApiError } from '../../components/apiRules';
import { keys } from '../api/queries';
import { BasicsFields, basicsBody, basicsFields, useBasicsForm } from './basics';
import { useState } from 'react';

/** POST /apis with the basics; the new API's page opens on success. */
export function CreateFromScratch() {
  const form = useBasicsForm();
  const [description, setDescription] = useState('');
  const navigate = useNavigate();
  const client = useQueryClient();
  const create = useMutation({
    mutationFn: (body: Partial<ApiDetail>) => api<ApiDetail>(`${PUBLISHER}/apis`, { method: 'POST', body }),
    onSuccess: (created) => {
      client.setQueryData(keys.api(created.id), created);
      void client.invalidateQueries({ queryKey: keys.apis });
      notifySuccess(`API ${created.name} ${created.version} created`);
      navigate(`/apis/${created.id}`);
    },
    onError: (error) => reportApiError(form, error, basicsFields),
  });
  return (
    <form
      onSubmit={form.onSubmit((v) =>
        create.mutate({
          ...basicsBody(v),
          ...(description.trim() ? { description: description.trim() } : {}),
        }),
      )}
      noValidate
    >
      <Stack>
        <BasicsFields form={form} />
        <Textarea
          label="Description"
          rows={3}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Create
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
