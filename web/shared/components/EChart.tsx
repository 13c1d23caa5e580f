// A chart drawn by ECharts: created when the element mounts, given each new option, resized with
// its container, redrawn in the Mantine color scheme, disposed on unmount. ECharts is loaded on
// first use so pages without charts do not pay for it.
import { useEffect, useRef, useState } from 'react';
import { Box, useComputedColorScheme } from '@mantine/core';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';

export type ChartOption = EChartsCoreOption;

export function EChart({
  option,
  label,
  height = 260,
}: {
  option: ChartOption;
  label: string;
  height?: number;
}) {
  const el = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<EChartsType | null>(null);
  const scheme = useComputedColorScheme('light');
  const initialScheme = useRef(scheme);

  useEffect(() => {
    let disposed = false;
    let instance: EChartsType | null = null;
    let observer: ResizeObserver | null = null;
    void import('./echarts').then(({ echarts }) => {
      if (disposed || !el.current) return;
      instance = echarts.init(el.current, initialScheme.current === 'dark' ? 'dark' : undefined, {
        renderer: 'svg',
      });
      observer = new ResizeObserver(() => instance?.resize());
      observer.observe(el.current);
      setChart(instance);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      instance?.dispose();
    };
  }, []);

  useEffect(() => {
    chart?.setTheme(scheme === 'dark' ? 'dark' : 'default');
  }, [chart, scheme]);

  useEffect(() => {
    // The card behind the chart shows through, whatever the theme's own background.
    chart?.setOption({ backgroundColor: 'transparent', ...option }, { notMerge: true });
  }, [chart, option, scheme]);

  return <Box ref={el} role="img" aria-label={label} h={height} w="100%" />;
}
