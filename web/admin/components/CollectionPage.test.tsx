import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Button, Table } from '@mantine/core';
import { mockFetch, renderPage } from '@shared/test/render';
import { CollectionPage } from './CollectionPage';
import { RowActions } from './dialogs';

afterEach(() => vi.unstubAllGlobals());

interface Fruit {
  id: string;
  name: string;
  colour: string;
}

const PATH = '/api/am/admin/v4/fruits';
const apple = { id: 'f1', name: 'Apple', colour: 'red' };
const pear = { id: 'f2', name: 'Pear', colour: 'green' };

function FruitsPage() {
  return (
    <CollectionPage<Fruit>
      collection={{ key: ['test', 'fruits'], path: PATH }}
      itemPath={(f) => `${PATH}/${f.id}`}
      title="Fruits"
      description="What the shop sells."
      createLabel="Create fruit"
      loadingLabel="Loading fruits"
      searchLabel="Search fruits"
      searchText={(f) => `${f.name} ${f.colour}`}
      empty="No fruit yet."
      head={
        <>
          <Table.Th>Name</Table.Th>
          <Table.Th>Colour</Table.Th>
        </>
      }
      rowKey={(f) => f.id}
      cells={(f) => (
        <>
          <Table.Td>{f.name}</Table.Td>
          <Table.Td>{f.colour}</Table.Td>
        </>
      )}
      actions={(f, open) =>
        f.id === 'f1' ? (
          <RowActions name={`fruit ${f.name}`} onEdit={open.edit} onDelete={open.remove} />
        ) : (
          <RowActions name={`fruit ${f.name}`} onDelete={open.remove} />
        )
      }
      editTitle={(f) => `Edit fruit ${f.name}`}
      form={(f, close) => (
        <div>
          <p>{f ? `Editing ${f.name}` : 'A new fruit'}</p>
          <Button onClick={close}>Done</Button>
        </div>
      )}
      deleteWhat={(f) => `fruit ${f.name}`}
      deleteConsequence={(f) => `Nobody can buy ${f.colour} ${f.name.toLowerCase()}s any more.`}
    >
      <p>The page's own dialogs</p>
    </CollectionPage>
  );
}

describe('collection page', { timeout: 30_000 }, () => {
  it('shows a row per item with its cells and actions under the headers, and searches them', async () => {
    const user = userEvent.setup({ delay: null });
    mockFetch(() => ({ body: { count: 2, list: [apple, pear] } }));
    renderPage(<FruitsPage />);
    expect(screen.getByRole('status', { name: 'Loading fruits' })).toBeInTheDocument();
    const row = (await screen.findByText('Apple')).closest('tr')!;
    expect(screen.getByRole('heading', { name: 'Fruits' })).toBeInTheDocument();
    expect(screen.getByText('What the shop sells.')).toBeInTheDocument();
    expect(screen.getByText("The page's own dialogs")).toBeInTheDocument();
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Name',
      'Colour',
      'Actions',
    ]);
    expect(within(row).getByText('red')).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Edit fruit Apple' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit fruit Pear' })).not.toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(3);
    await user.type(screen.getByRole('textbox', { name: 'Search fruits' }), 'green');
    expect(screen.getAllByRole('row')).toHaveLength(2);
    expect(screen.getByText('Pear')).toBeInTheDocument();
    await user.clear(screen.getByRole('textbox', { name: 'Search fruits' }));
    await user.type(screen.getByRole('textbox', { name: 'Search fruits' }), 'kiwi');
    expect(screen.getByText('Nothing matches "kiwi".')).toBeInTheDocument();
  });

  it('says so when the collection is empty', async () => {
    mockFetch(() => ({ body: { count: 0, list: [] } }));
    renderPage(<FruitsPage />);
    expect(await screen.findByText('No fruit yet.')).toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(1);
  });

  it("shows the server's refusal to list, and lists after trying again", async () => {
    const user = userEvent.setup({ delay: null });
    let reply: { status?: number; body: unknown } = {
      status: 403,
      body: { code: 403, message: 'Forbidden', description: 'Missing the admin scope' },
    };
    mockFetch(() => reply);
    renderPage(<FruitsPage />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('HTTP 403');
    expect(alert).toHaveTextContent('Missing the admin scope');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    reply = { body: { count: 1, list: [apple] } };
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Apple')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('opens the create form under the create label, and the edit form with its row', async () => {
    const user = userEvent.setup({ delay: null });
    mockFetch(() => ({ body: { count: 2, list: [apple, pear] } }));
    renderPage(<FruitsPage />);
    await user.click(await screen.findByRole('button', { name: 'Create fruit' }));
    const create = await screen.findByRole('dialog', { name: 'Create fruit' });
    expect(within(create).getByText('A new fruit')).toBeInTheDocument();
    await user.click(within(create).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByText('A new fruit')).not.toBeInTheDocument());
    await user.click(screen.getByRole('button', { name: 'Edit fruit Apple' }));
    const edit = await screen.findByRole('dialog', { name: 'Edit fruit Apple' });
    expect(within(edit).getByText('Editing Apple')).toBeInTheDocument();
  });

  it('deletes a row only once confirmed, then lists what is left', async () => {
    const user = userEvent.setup({ delay: null });
    let list = [apple, pear];
    const fetchMock = mockFetch((method, url) => {
      if (method === 'DELETE') {
        list = list.filter((f) => url !== `${PATH}/${f.id}`);
        return { status: 204 };
      }
      return { body: { count: list.length, list } };
    });
    const deletes = () => fetchMock.mock.calls.filter(([, init]) => init?.method === 'DELETE');
    renderPage(<FruitsPage />);
    await user.click(await screen.findByRole('button', { name: 'Delete fruit Pear' }));
    let confirm = await screen.findByRole('dialog', { name: 'Delete fruit Pear?' });
    expect(within(confirm).getByText('Nobody can buy green pears any more.')).toBeInTheDocument();
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(deletes()).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Delete fruit Pear' }));
    confirm = await screen.findByRole('dialog', { name: 'Delete fruit Pear?' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByText('Pear')).not.toBeInTheDocument());
    expect(screen.getByText('Apple')).toBeInTheDocument();
    expect(deletes().map(([u]) => u)).toEqual([`${PATH}/f2`]);
  });

  it("keeps the server's refusal of a delete in the confirmation", async () => {
    const user = userEvent.setup({ delay: null });
    mockFetch((method) =>
      method === 'DELETE'
        ? { status: 409, body: { code: 409, message: 'Conflict', description: 'Apple is in a basket' } }
        : { body: { count: 1, list: [apple] } },
    );
    renderPage(<FruitsPage />);
    await user.click(await screen.findByRole('button', { name: 'Delete fruit Apple' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete fruit Apple?' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    expect(await within(confirm).findByText('Apple is in a basket')).toBeInTheDocument();
    expect(screen.getByText('Apple', { selector: 'td' })).toBeInTheDocument();
  });
});
