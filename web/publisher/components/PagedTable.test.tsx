import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Table } from '@mantine/core';
import { api } from '@shared/api/client';
import { mockFetch, renderPage } from '@shared/test/render';
import { PAGE_SIZE, PagedTable, useServerPaging, type ServerPage } from './PagedTable';

afterEach(() => vi.unstubAllGlobals());

interface Fruit {
  id: string;
  name: string;
}

const PATH = '/api/am/publisher/v4/fruits';

function FruitsList() {
  const paging = useServerPaging<Fruit>(['test', 'fruits'], (name, window, signal) =>
    api<ServerPage<Fruit>>(PATH, { query: { name, ...window }, signal }),
  );
  return (
    <PagedTable
      paging={paging}
      searchLabel="Search by name"
      searchPlaceholder="Fruit name"
      loadingLabel="Loading the fruits"
      empty={paging.searched ? `No fruit name contains '${paging.searched}'.` : 'No fruit yet.'}
      minWidth={400}
      head={<Table.Th>Name</Table.Th>}
      row={(f) => (
        <Table.Tr key={f.id}>
          <Table.Td>{f.name}</Table.Td>
        </Table.Tr>
      )}
    />
  );
}

/** A server of `total` fruits named Fruit0, Fruit1, …, searched by a part of the name. */
function serve(total: number) {
  return mockFetch((_m, url) => {
    const u = new URL(url, 'http://x');
    const offset = Number(u.searchParams.get('offset'));
    const limit = Number(u.searchParams.get('limit'));
    const name = u.searchParams.get('name') ?? '';
    const all = Array.from({ length: total }, (_, i) => ({ id: `f${i}`, name: `Fruit${i}` })).filter((f) =>
      f.name.includes(name),
    );
    const list = all.slice(offset, offset + limit);
    return { body: { count: list.length, list, pagination: { offset, limit, total: all.length } } };
  });
}

const calls = (fetchMock: ReturnType<typeof mockFetch>) => fetchMock.mock.calls.map((c) => String(c[0]));

describe('server-paged table', () => {
  it('shows the first page under its headers, then the page asked for', { timeout: 30_000 }, async () => {
    const fetchMock = serve(60);
    renderPage(<FruitsList />);
    expect(await screen.findByRole('cell', { name: 'Fruit0' })).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: 'Name' })).toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(PAGE_SIZE + 1);
    expect(calls(fetchMock)).toContain(`${PATH}?limit=${PAGE_SIZE}&offset=0`);

    await userEvent.click(screen.getByRole('button', { name: '3' }));
    expect(await screen.findByRole('cell', { name: 'Fruit50' }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(10 + 1);
    expect(calls(fetchMock)).toContain(`${PATH}?limit=${PAGE_SIZE}&offset=50`);
  });

  it('asks the server for a search from the first page again, and says when nothing matches', async () => {
    const fetchMock = serve(60);
    const user = userEvent.setup();
    renderPage(<FruitsList />);
    await screen.findByRole('cell', { name: 'Fruit0' });
    await user.click(screen.getByRole('button', { name: 'next page' }));
    await screen.findByRole('cell', { name: 'Fruit25' }, { timeout: 5000 });

    await user.type(screen.getByRole('textbox', { name: 'Search by name' }), ' Fruit5 ');
    expect(await screen.findByRole('cell', { name: 'Fruit59' }, { timeout: 5000 })).toBeInTheDocument();
    expect(calls(fetchMock)).toContain(`${PATH}?name=Fruit5&limit=${PAGE_SIZE}&offset=0`);
    // Eleven match: one page, so no page numbers.
    expect(screen.queryByRole('button', { name: 'next page' })).not.toBeInTheDocument();

    await user.type(screen.getByRole('textbox', { name: 'Search by name' }), 'x');
    expect(
      await screen.findByText("No fruit name contains 'Fruit5 x'.", {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says when there is nothing yet', async () => {
    serve(0);
    renderPage(<FruitsList />);
    expect(await screen.findByText('No fruit yet.')).toBeInTheDocument();
  });
});
