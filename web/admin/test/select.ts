// Picking an option of a Mantine Select the way a person does: open it, click the option.
import { screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';

export async function choose(user: UserEvent, label: string | RegExp, option: string | RegExp) {
  const box = screen.getByRole('combobox', { name: label });
  if (box.getAttribute('aria-expanded') !== 'true') await user.click(box);
  const listbox = await waitFor(() => {
    const el = document.getElementById(box.getAttribute('aria-controls') ?? '');
    if (!el) throw new Error(`the options of ${String(label)} did not open`);
    return el;
  });
  // The dropdown is still in its opening transition for jsdom, so its options count as hidden.
  await user.click(within(listbox).getByRole('option', { name: option, hidden: true }));
}

/** Types `text` into a field in one go (a paste), which keeps large forms' tests quick. */
export async function fill(user: UserEvent, field: HTMLElement, text: string) {
  await user.click(field);
  await user.paste(text);
}
