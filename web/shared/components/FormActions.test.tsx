import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderPage } from '../test/render';
import { FormActions } from './FormActions';

function renderForm(pending: boolean) {
  const onSubmit = vi.fn((e: React.FormEvent) => e.preventDefault());
  const onCancel = vi.fn();
  renderPage(
    <form onSubmit={onSubmit} aria-label="Fruit">
      <FormActions submitLabel="Create" pending={pending} onCancel={onCancel} />
    </form>,
  );
  return { onSubmit, onCancel };
}

describe('form actions', () => {
  it('submits the form with its submit button and cancels without submitting', async () => {
    const user = userEvent.setup();
    const { onSubmit, onCancel } = renderForm(false);
    await user.click(await screen.findByRole('button', { name: 'Create' }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onSubmit).toHaveBeenCalledTimes(1);
  });

  it('while the request is in flight, keeps it from being sent again but still lets Cancel close the form', async () => {
    const user = userEvent.setup();
    const { onSubmit, onCancel } = renderForm(true);
    const submit = await screen.findByRole('button', { name: 'Create' });
    expect(submit).toBeDisabled();
    expect(submit).toHaveAttribute('data-loading');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('leads Cancel back to the page the form came from when given a link instead of a handler', async () => {
    renderPage(
      <form aria-label="Fruit">
        <FormActions submitLabel="Create" pending={false} cancelTo="/fruits" />
      </form>,
    );
    expect(await screen.findByRole('link', { name: 'Cancel' })).toHaveAttribute('href', '/fruits');
    expect(screen.getByRole('button', { name: 'Create' })).toBeEnabled();
  });

  it('keeps a form that cannot be sent from submitting while Cancel still closes it', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn((e: React.FormEvent) => e.preventDefault());
    const onCancel = vi.fn();
    renderPage(
      <form onSubmit={onSubmit} aria-label="Fruit">
        <FormActions submitLabel="Create" pending={false} submitDisabled onCancel={onCancel} />
      </form>,
    );
    const submit = await screen.findByRole('button', { name: 'Create' });
    expect(submit).toBeDisabled();
    await user.click(submit);
    expect(onSubmit).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
  });
});
