// The top of a Publisher page: a list page's title with what it lists and its action, and an item
// page's way back to its list and its title row (name, badge, a line under it, its actions).
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Anchor, Badge, Breadcrumbs, Group, Text, Title } from '@mantine/core';

export function ListHeader({
  title,
  description,
  action,
}: {
  title: string;
  description: string;
  action: ReactNode;
}) {
  return (
    <Group justify="space-between">
      <div>
        <Title order={2}>{title}</Title>
        <Text size="sm" c="dimmed">
          {description}
        </Text>
      </div>
      {action}
    </Group>
  );
}

/** The link back to the list an item is in, then the item's name. */
export function ItemBreadcrumbs({ list, to, item }: { list: string; to: string; item: string }) {
  return (
    <Breadcrumbs>
      <Anchor component={Link} to={to}>
        {list}
      </Anchor>
      <span>{item}</span>
    </Breadcrumbs>
  );
}

export function ItemHeader({
  title,
  badge,
  subtitle,
  actions,
}: {
  title: string;
  badge: ReactNode;
  subtitle: ReactNode;
  actions: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-start">
      <div>
        <Group gap="xs">
          <Title order={2} style={{ overflowWrap: 'anywhere' }}>
            {title}
          </Title>
          <Badge variant="light">{badge}</Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {subtitle}
        </Text>
      </div>
      {actions}
    </Group>
  );
}
