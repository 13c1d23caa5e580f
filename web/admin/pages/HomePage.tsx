// The Admin portal's start: how many of each thing there are, each a way into its section.
import type { ReactNode } from 'react';
import {
  Card,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Text,
  ThemeIcon,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { Link } from 'react-router';
import { IconBan, IconCategory, IconGauge, IconKey, IconUsers } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { messageOf } from '@shared/api/client';
import { keys, paths, useList } from '../api/admin';
import type { AnyPolicy, ApiCategory, DenyPolicy, KeyManager, List, User } from '../api/types';

function count(query: UseQueryResult<List<unknown>>) {
  if (query.isPending) return <Loader size="xs" role="status" aria-label="Loading" />;
  if (query.isError)
    return (
      <Text size="xs" c="red" role="alert">
        {messageOf(query.error)}
      </Text>
    );
  return query.data.count ?? query.data.list.length;
}

function Tile({
  to,
  title,
  icon,
  children,
}: {
  to: string;
  title: string;
  icon: ReactNode;
  children: ReactNode;
}) {
  return (
    <UnstyledButton component={Link} to={to} style={{ display: 'block' }}>
      <Card withBorder h="100%" padding="md">
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <ThemeIcon variant="light" size="lg">
            {icon}
          </ThemeIcon>
          <div>
            <Text fw={600}>{title}</Text>
            {children}
          </div>
        </Group>
      </Card>
    </UnstyledButton>
  );
}

function Line({ label, value }: { label: string; value: ReactNode }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="xl" fw={700} component="span">
        {value}
      </Text>
      <Text size="sm" c="dimmed" component="span">
        {label}
      </Text>
    </Group>
  );
}

export function HomePage() {
  const advanced = useList<AnyPolicy>(keys.policies('advanced'), paths.policies('advanced'));
  const application = useList<AnyPolicy>(keys.policies('application'), paths.policies('application'));
  const subscription = useList<AnyPolicy>(keys.policies('subscription'), paths.policies('subscription'));
  const deny = useList<DenyPolicy>(keys.denyPolicies, paths.denyPolicies);
  const users = useList<User>(keys.users, paths.users);
  const kms = useList<KeyManager>(keys.keyManagers, paths.keyManagers);
  const categories = useList<ApiCategory>(keys.categories, paths.categories);
  return (
    <Stack>
      <Title order={2}>Dashboard</Title>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        <Tile to="/throttling/advanced" title="Advanced policies" icon={<IconGauge size={20} />}>
          <Line label="API and resource limits" value={count(advanced)} />
        </Tile>
        <Tile to="/throttling/application" title="Application policies" icon={<IconGauge size={20} />}>
          <Line label="application tiers" value={count(application)} />
        </Tile>
        <Tile to="/throttling/subscription" title="Subscription policies" icon={<IconGauge size={20} />}>
          <Line label="subscription tiers" value={count(subscription)} />
        </Tile>
        <Tile to="/throttling/deny" title="Deny policies" icon={<IconBan size={20} />}>
          <Line label="blocking conditions" value={count(deny)} />
        </Tile>
        <Tile to="/users" title="Users" icon={<IconUsers size={20} />}>
          <Line label="who can sign in" value={count(users)} />
        </Tile>
        <Tile to="/key-managers" title="Key managers" icon={<IconKey size={20} />}>
          <Line label="token issuers" value={count(kms)} />
        </Tile>
        <Tile to="/categories" title="API categories" icon={<IconCategory size={20} />}>
          <Line label="categories" value={count(categories)} />
        </Tile>
      </SimpleGrid>
    </Stack>
  );
}
