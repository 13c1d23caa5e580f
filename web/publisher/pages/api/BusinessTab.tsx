// Who owns the API: business and technical owners with their e-mails (`businessInformation`).
import { SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifySuccess } from '@shared/components/forms';
import type { ApiDetail, BusinessInformation } from '../../api/types';
import { checkEmail, reportApiError } from '../../components/apiRules';
import { SaveBar } from '../../components/SaveBar';
import { useSaveApi } from './queries';

type Values = Required<BusinessInformation>;

export function BusinessTab({ api }: { api: ApiDetail }) {
  const save = useSaveApi(api);
  const b = api.businessInformation ?? {};
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      businessOwner: b.businessOwner ?? '',
      businessOwnerEmail: b.businessOwnerEmail ?? '',
      technicalOwner: b.technicalOwner ?? '',
      technicalOwnerEmail: b.technicalOwnerEmail ?? '',
    },
    validate: { businessOwnerEmail: checkEmail, technicalOwnerEmail: checkEmail },
  });
  const fields = Object.fromEntries(
    ['businessOwner', 'businessOwnerEmail', 'technicalOwner', 'technicalOwnerEmail'].map((f) => [
      `businessInformation.${f}`,
      f,
    ]),
  );
  const submit = form.onSubmit((v) =>
    save.mutate(
      { businessInformation: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x.trim()])) },
      {
        onSuccess: () => notifySuccess('Business information saved'),
        onError: (e) => reportApiError(form, e, fields),
      },
    ),
  );
  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={760}>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Business owner"
            key={form.key('businessOwner')}
            {...form.getInputProps('businessOwner')}
          />
          <TextInput
            label="Business owner e-mail"
            type="email"
            key={form.key('businessOwnerEmail')}
            {...form.getInputProps('businessOwnerEmail')}
          />
          <TextInput
            label="Technical owner"
            key={form.key('technicalOwner')}
            {...form.getInputProps('technicalOwner')}
          />
          <TextInput
            label="Technical owner e-mail"
            type="email"
            key={form.key('technicalOwnerEmail')}
            {...form.getInputProps('technicalOwnerEmail')}
          />
        </SimpleGrid>
        <SaveBar dirty={form.isDirty()} pending={save.isPending} onDiscard={() => form.reset()} />
      </Stack>
    </form>
  );
}
