// The parts of ECharts the dashboards use, and only those (the full library is ~3x larger). No
// aria component: the wrapper names the chart, and the chart's numbers are written beside it.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);

export { echarts };
