import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Button } from '@mantine/core';
import { renderPage } from '@shared/test/render';
import { ConfirmDeleteButtons, DeleteButton } from './deleting';
import { ItemBreadcrumbs, ItemHeader, ListHeader } from './PageHeader';

describe('page headers', () => {
  it("shows a list's title, what it lists and its action", async () => {
    renderPage(
      <ListHeader title="Fruits" description="What the shop sells." action={<Button>Add fruit</Button>} />,
    );
    expect(await screen.findByRole('heading', { level: 2, name: 'Fruits' })).toBeInTheDocument();
    expect(screen.getByText('What the shop sells.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add fruit' })).toBeInTheDocument();
  });

  it("leads back to an item's list and shows its name, badge, line and actions", async () => {
    const onDelete = vi.fn();
    renderPage(
      <>
        <ItemBreadcrumbs list="Fruits" to="/fruits" item="Apple" />
        <ItemHeader
          title="Apple"
          badge="1.0.0"
          subtitle="From the orchard"
          actions={<DeleteButton onClick={onDelete} />}
        />
      </>,
    );
    expect(await screen.findByRole('link', { name: 'Fruits' })).toHaveAttribute('href', '/fruits');
    expect(screen.getByRole('heading', { level: 2, name: 'Apple' })).toBeInTheDocument();
    expect(screen.getByText('1.0.0')).toBeInTheDocument();
    expect(screen.getByText('From the orchard')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(onDelete).toHaveBeenCalledTimes(1);
  });

  it('confirms a delete with its own buttons, Delete showing the request in flight', async () => {
    const onCancel = vi.fn();
    const onDelete = vi.fn();
    const { unmount } = renderPage(
      <ConfirmDeleteButtons pending={false} onCancel={onCancel} onDelete={onDelete} />,
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onDelete).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(onDelete).toHaveBeenCalledTimes(1);
    unmount();

    renderPage(<ConfirmDeleteButtons pending onCancel={onCancel} onDelete={onDelete} />);
    const pending = await screen.findByRole('button', { name: 'Delete' });
    expect(pending).toBeDisabled();
    expect(pending).toHaveAttribute('data-loading');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(2);
  });
});
