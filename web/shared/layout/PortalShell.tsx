// The frame of every portal: a header with the portal's name and the user's menu, a navigation
// bar (a drawer on narrow screens), and the page.
import type { ReactNode } from 'react';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import {
  ActionIcon,
  Alert,
  AppShell,
  Burger,
  Button,
  Group,
  Menu,
  NavLink,
  Text,
  Title,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconLogout, IconMoon, IconSun, IconUserCircle } from '@tabler/icons-react';
import { useAuth } from '../auth/AuthContext';

export interface NavItem {
  to: string;
  label: string;
  icon?: ReactNode;
  /** Shown only to signed-in users. */
  private?: boolean;
}

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light');
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={`Switch to ${next} theme`}
        onClick={() => setColorScheme(next)}
      >
        {computed === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}

function UserMenu() {
  const { state, session, username } = useAuth();
  const location = useLocation();
  if (state.status !== 'signed-in')
    return (
      <Button size="sm" onClick={() => session.signIn(location.pathname + location.search)}>
        Sign in
      </Button>
    );
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`Account menu of ${username}`}>
          <Group gap={6}>
            <IconUserCircle size={22} />
            <Text size="sm" visibleFrom="xs">
              {username}
            </Text>
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Signed in as {username}</Menu.Label>
        <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void session.signOut()}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function PortalShell({
  name,
  nav,
  extraHeader,
}: {
  name: string;
  nav: NavItem[];
  extraHeader?: ReactNode;
}) {
  const [opened, { toggle, close }] = useDisclosure();
  const { state, session } = useAuth();
  const location = useLocation();
  const items = nav.filter((n) => !n.private || state.status === 'signed-in');
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Title order={1} size="h4">
              Archway{' '}
              <Text span c="dimmed" inherit fw={400}>
                {name}
              </Text>
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {extraHeader}
            <ColorSchemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        {items.map((item) => (
          <NavLink
            key={item.to}
            component={RouterNavLink}
            to={item.to}
            label={item.label}
            leftSection={item.icon}
            onClick={close}
            // Filled: white on the primary shade keeps AA contrast when hovered (the light variant drops to 4.1:1).
            variant="filled"
            active={location.pathname === item.to || location.pathname.startsWith(item.to + '/')}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        {state.status === 'expired' && (
          <Alert color="yellow" mb="md" title="Your session has expired">
            <Group justify="space-between">
              <Text size="sm">Sign in again to use your applications and keys.</Text>
              <Button size="xs" onClick={() => session.signIn(location.pathname + location.search)}>
                Sign in again
              </Button>
            </Group>
          </Alert>
        )}
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
