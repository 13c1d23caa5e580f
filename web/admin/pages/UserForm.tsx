// Create a user, or change a user's roles and reset the password.
import { MultiSelect, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@shared/api/client';
import { useAuth } from '@shared/auth/AuthContext';
import { FormActions } from '@shared/components/FormActions';
import { notifySuccess } from '@shared/components/forms';
import { keys, paths } from '../api/admin';
import type { User } from '../api/types';
import { reportAdminError } from '../components/serverErrors';

export const ROLES = [
  { value: 'admin', label: 'admin: everything, this portal' },
  { value: 'creator', label: 'creator: designs APIs' },
  { value: 'publisher', label: 'publisher: publishes and deploys APIs' },
  { value: 'subscriber', label: 'subscriber: uses the Developer Portal' },
];

interface UserValues {
  username: string;
  password: string;
  confirm: string;
  roles: string[];
}

export function validateUser(v: UserValues, editing: boolean, me?: string | null): Record<string, string> {
  const e: Record<string, string> = {};
  if (!editing) {
    if (v.username.length < 3 || v.username.length > 64) e.username = 'Enter 3 to 64 characters';
    else if (!/^[A-Za-z0-9._@-]+$/.test(v.username)) e.username = 'Only letters, digits and . _ - @';
  }
  if (!editing || v.password) {
    if (v.password.length < 8)
      e.password = editing
        ? 'At least 8 characters (or leave empty to keep the password)'
        : 'At least 8 characters';
    else if (v.password.length > 256) e.password = 'At most 256 characters';
    else if (v.confirm !== v.password) e.confirm = 'The passwords differ';
  }
  if (v.roles.length === 0) e.roles = 'Choose at least one role';
  // The server lets it happen, and nobody could then open this portal to undo it.
  else if (editing && (v.username === me || v.username === 'admin') && !v.roles.includes('admin'))
    e.roles = `Keep the admin role: without it ${v.username === me ? 'you' : 'admin'} could not sign in here again`;
  return e;
}

export function UserForm({ user, onDone }: { user?: User; onDone: () => void }) {
  const client = useQueryClient();
  const editing = Boolean(user);
  const { username: me } = useAuth();
  const form = useForm<UserValues>({
    mode: 'controlled',
    initialValues: {
      username: user?.username ?? '',
      password: '',
      confirm: '',
      roles: user?.roles ?? ['subscriber'],
    },
    validate: (v) => validateUser(v, editing, me),
  });
  const save = useMutation({
    mutationFn: (v: UserValues) => {
      const body = editing
        ? { roles: v.roles, ...(v.password ? { password: v.password } : {}) }
        : { username: v.username, password: v.password, roles: v.roles };
      return api<User>(editing ? `${paths.users}/${encodeURIComponent(user!.username)}` : paths.users, {
        method: editing ? 'PUT' : 'POST',
        body,
      });
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: keys.users });
      notifySuccess(editing ? `Saved user ${saved.username}` : `Created user ${saved.username}`);
      onDone();
    },
    onError: (error) =>
      reportAdminError(form, error, {
        fields: ['username', 'password', 'roles'],
        conflictField: editing ? undefined : 'username',
      }),
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack>
        <TextInput
          label="Username"
          withAsterisk={!editing}
          readOnly={editing}
          description={editing ? undefined : '3 to 64 letters, digits or . _ - @'}
          autoComplete="off"
          {...form.getInputProps('username')}
        />
        <PasswordInput
          label={editing ? 'New password' : 'Password'}
          description={editing ? 'Leave empty to keep the current password' : '8 to 256 characters'}
          withAsterisk={!editing}
          autoComplete="new-password"
          {...form.getInputProps('password')}
        />
        {(!editing || form.values.password) && (
          <PasswordInput
            label="Repeat the password"
            withAsterisk
            autoComplete="new-password"
            {...form.getInputProps('confirm')}
          />
        )}
        <MultiSelect
          label="Roles"
          data={ROLES}
          withAsterisk
          searchable={false}
          {...form.getInputProps('roles')}
        />
        <FormActions
          submitLabel={editing ? 'Save' : 'Create user'}
          pending={save.isPending}
          onCancel={onDone}
        />
      </Stack>
    </form>
  );
}
