import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Button, useMantineColorScheme } from '@mantine/core';
import { renderPage } from '../test/render';
import { EChart } from './EChart';
import { echarts } from './echarts';

const option = {
  xAxis: { type: 'category', data: ['a', 'b'] },
  yAxis: { type: 'value' },
  series: [{ type: 'bar', data: [3, 5] }],
};

describe('chart wrapper', { timeout: 30_000 }, () => {
  // jsdom has no layout and no canvas: a size for the element, and ECharts' text measuring falls
  // back to its estimate instead of jsdom's "not implemented" for each label.
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(260);
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  });
  afterEach(() => vi.restoreAllMocks());

  it('draws the chart as SVG under its accessible name and disposes it when removed', async () => {
    const { getByRole, unmount } = renderPage(<EChart option={option} label="Calls per API" />);
    const el = getByRole('img', { name: 'Calls per API' });
    await waitFor(() => expect(el.querySelector('svg')).not.toBeNull());
    expect(echarts.getInstanceByDom(el)).toBeDefined();
    unmount();
    expect(echarts.getInstanceByDom(el)).toBeUndefined();
  });

  it('redraws in the dark theme when the color scheme changes', async () => {
    function DarkSwitch() {
      const { setColorScheme } = useMantineColorScheme();
      return <Button onClick={() => setColorScheme('dark')}>Dark</Button>;
    }
    const { getByRole } = renderPage(
      <>
        <DarkSwitch />
        <EChart option={option} label="Calls per API" />
      </>,
    );
    const el = getByRole('img', { name: 'Calls per API' });
    await waitFor(() => expect(echarts.getInstanceByDom(el)).toBeDefined());
    const chart = echarts.getInstanceByDom(el)!;
    const dark = () => (chart.getOption() as { darkMode?: boolean } | undefined)?.darkMode;
    await waitFor(() => expect(chart.getOption()).toBeDefined());
    expect(dark()).not.toBe(true);
    await userEvent.click(getByRole('button', { name: 'Dark' }));
    await waitFor(() => expect(dark()).toBe(true));
    expect((chart.getOption() as { series: { data: number[] }[] }).series[0].data).toEqual([3, 5]);
  });
});
