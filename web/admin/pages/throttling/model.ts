// Form values of throttling policies and their conversion to and from the REST shapes, with the
// server's validation rules (src/domain/policy_json.cc) checked before sending.
import type {
  AdvancedPolicy,
  AnyPolicy,
  ApplicationPolicy,
  ConditionalGroup,
  ConditionType,
  DataUnit,
  PolicyLevel,
  SubscriptionPolicy,
  ThrottleCondition,
  ThrottleLimit,
  TimeUnit,
} from '../../api/types';

export const TIME_UNITS: { value: TimeUnit; label: string }[] = [
  { value: 'sec', label: 'second(s)' },
  { value: 'min', label: 'minute(s)' },
  { value: 'hour', label: 'hour(s)' },
  { value: 'day', label: 'day(s)' },
];
export const DATA_UNITS: DataUnit[] = ['KB', 'MB', 'GB'];

/** A NumberInput's value: a number, or the text being typed. */
export type NumberValue = number | string;

export interface LimitValues {
  type: 'REQUESTCOUNTLIMIT' | 'BANDWIDTHLIMIT';
  requestCount: NumberValue;
  dataAmount: NumberValue;
  dataUnit: DataUnit;
  unitTime: NumberValue;
  timeUnit: TimeUnit;
}

export interface ConditionValues {
  key: string;
  type: ConditionType;
  invertCondition: boolean;
  /** header name, query parameter name or claim name */
  name: string;
  /** header value, query parameter value or claim value */
  value: string;
  ipConditionType: 'IPSPECIFIC' | 'IPRANGE';
  specificIP: string;
  startingIP: string;
  endingIP: string;
}

export interface GroupValues {
  key: string;
  description: string;
  conditions: ConditionValues[];
  limit: LimitValues;
}

export interface AttributeValues {
  key: string;
  name: string;
  value: string;
}

export interface PolicyValues {
  policyName: string;
  displayName: string;
  description: string;
  defaultLimit: LimitValues;
  /** Burst control: a subscription tier's top-level fields, an application tier's burstLimit. */
  rateLimitCount: NumberValue;
  rateLimitTimeUnit: '' | 'sec' | 'min';
  stopOnQuotaReach: boolean;
  billingPlan: 'FREE' | 'COMMERCIAL';
  /** Not edited here: sent back as it came so that saving keeps it. */
  subscriberCount: number;
  customAttributes: AttributeValues[];
  permissions: { permissionType: 'NONE' | 'ALLOW' | 'DENY'; roles: string[] };
  conditionalGroups: GroupValues[];
}

let counter = 0;
/** A stable React key for a new list item. */
export const newKey = () => `k${++counter}`;

export const CONDITION_TYPES: { value: ConditionType; label: string }[] = [
  { value: 'IPCONDITION', label: 'IP address' },
  { value: 'HEADERCONDITION', label: 'Header' },
  { value: 'QUERYPARAMETERCONDITION', label: 'Query parameter' },
  { value: 'JWTCLAIMSCONDITION', label: 'JWT claim' },
];

export function emptyLimit(): LimitValues {
  return {
    type: 'REQUESTCOUNTLIMIT',
    requestCount: '',
    dataAmount: '',
    dataUnit: 'MB',
    unitTime: 1,
    timeUnit: 'min',
  };
}

export function emptyCondition(type: ConditionType = 'IPCONDITION'): ConditionValues {
  return {
    key: newKey(),
    type,
    invertCondition: false,
    name: '',
    value: '',
    ipConditionType: 'IPSPECIFIC',
    specificIP: '',
    startingIP: '',
    endingIP: '',
  };
}

export function emptyGroup(): GroupValues {
  return { key: newKey(), description: '', conditions: [emptyCondition()], limit: emptyLimit() };
}

export function emptyPolicy(): PolicyValues {
  return {
    policyName: '',
    displayName: '',
    description: '',
    defaultLimit: emptyLimit(),
    rateLimitCount: 0,
    rateLimitTimeUnit: '',
    stopOnQuotaReach: true,
    billingPlan: 'FREE',
    subscriberCount: 0,
    customAttributes: [],
    permissions: { permissionType: 'NONE', roles: [] },
    conditionalGroups: [],
  };
}

export function emptyAttribute(): AttributeValues {
  return { key: newKey(), name: '', value: '' };
}

function limitValues(l: ThrottleLimit): LimitValues {
  if (l.type === 'BANDWIDTHLIMIT')
    return {
      ...emptyLimit(),
      type: l.type,
      dataAmount: l.bandwidth.dataAmount,
      dataUnit: l.bandwidth.dataUnit,
      unitTime: l.bandwidth.unitTime,
      timeUnit: l.bandwidth.timeUnit,
    };
  return {
    ...emptyLimit(),
    type: l.type,
    requestCount: l.requestCount.requestCount,
    unitTime: l.requestCount.unitTime,
    timeUnit: l.requestCount.timeUnit,
  };
}

function conditionValues(c: ThrottleCondition): ConditionValues {
  const v = { ...emptyCondition(c.type), invertCondition: c.invertCondition };
  switch (c.type) {
    case 'HEADERCONDITION':
      return { ...v, name: c.headerCondition.headerName, value: c.headerCondition.headerValue };
    case 'QUERYPARAMETERCONDITION':
      return {
        ...v,
        name: c.queryParameterCondition.parameterName,
        value: c.queryParameterCondition.parameterValue,
      };
    case 'JWTCLAIMSCONDITION':
      return { ...v, name: c.jwtClaimsCondition.claimUrl, value: c.jwtClaimsCondition.attribute };
    case 'IPCONDITION':
      return c.ipCondition.ipConditionType === 'IPSPECIFIC'
        ? { ...v, ipConditionType: 'IPSPECIFIC', specificIP: c.ipCondition.specificIP }
        : {
            ...v,
            ipConditionType: 'IPRANGE',
            startingIP: c.ipCondition.startingIP,
            endingIP: c.ipCondition.endingIP,
          };
  }
}

export function policyValues(p: AnyPolicy): PolicyValues {
  const v: PolicyValues = {
    ...emptyPolicy(),
    policyName: p.policyName,
    displayName: p.displayName ?? '',
    description: p.description ?? '',
    defaultLimit: limitValues(p.defaultLimit),
  };
  if ('billingPlan' in p) {
    v.rateLimitCount = p.rateLimitCount ?? 0;
    v.rateLimitTimeUnit = p.rateLimitTimeUnit ?? '';
    v.stopOnQuotaReach = p.stopOnQuotaReach ?? true;
    v.billingPlan = p.billingPlan ?? 'FREE';
    v.subscriberCount = p.subscriberCount ?? 0;
    v.customAttributes = (p.customAttributes ?? []).map((a) => ({
      key: newKey(),
      name: a.name ?? '',
      value: a.value ?? '',
    }));
    if (
      p.permissions &&
      (p.permissions.permissionType === 'ALLOW' || p.permissions.permissionType === 'DENY')
    )
      v.permissions = {
        permissionType: p.permissions.permissionType,
        roles: [...(p.permissions.roles ?? [])],
      };
  } else if ('burstLimit' in p && p.burstLimit) {
    v.rateLimitCount = p.burstLimit.rateLimitCount ?? 0;
    v.rateLimitTimeUnit = p.burstLimit.rateLimitTimeUnit ?? '';
  }
  if ('conditionalGroups' in p)
    v.conditionalGroups = p.conditionalGroups.map((g) => ({
      key: newKey(),
      description: g.description ?? '',
      conditions: g.conditions.map(conditionValues),
      limit: limitValues(g.limit),
    }));
  return v;
}

export function toLimit(v: LimitValues): ThrottleLimit {
  if (v.type === 'BANDWIDTHLIMIT')
    return {
      type: v.type,
      bandwidth: {
        timeUnit: v.timeUnit,
        unitTime: Number(v.unitTime),
        dataAmount: Number(v.dataAmount),
        dataUnit: v.dataUnit,
      },
    };
  return {
    type: v.type,
    requestCount: {
      timeUnit: v.timeUnit,
      unitTime: Number(v.unitTime),
      requestCount: Number(v.requestCount),
    },
  };
}

function toCondition(c: ConditionValues): ThrottleCondition {
  const invertCondition = c.invertCondition;
  switch (c.type) {
    case 'HEADERCONDITION':
      return {
        type: c.type,
        invertCondition,
        headerCondition: { headerName: c.name.trim(), headerValue: c.value },
      };
    case 'QUERYPARAMETERCONDITION':
      return {
        type: c.type,
        invertCondition,
        queryParameterCondition: { parameterName: c.name.trim(), parameterValue: c.value },
      };
    case 'JWTCLAIMSCONDITION':
      return {
        type: c.type,
        invertCondition,
        jwtClaimsCondition: { claimUrl: c.name.trim(), attribute: c.value },
      };
    case 'IPCONDITION':
      return {
        type: c.type,
        invertCondition,
        ipCondition:
          c.ipConditionType === 'IPSPECIFIC'
            ? { ipConditionType: 'IPSPECIFIC', specificIP: c.specificIP.trim() }
            : { ipConditionType: 'IPRANGE', startingIP: c.startingIP.trim(), endingIP: c.endingIP.trim() },
      };
  }
}

/** The REST body for `level`. */
export function toPolicy(level: PolicyLevel, v: PolicyValues): AnyPolicy {
  const base = {
    policyName: v.policyName.trim(),
    displayName: v.displayName.trim() || v.policyName.trim(),
    description: v.description,
    defaultLimit: toLimit(v.defaultLimit),
  };
  const rate = Number(v.rateLimitCount) || 0;
  const burst = {
    rateLimitCount: rate,
    rateLimitTimeUnit: rate > 0 && v.rateLimitTimeUnit ? v.rateLimitTimeUnit : null,
  };
  if (level === 'subscription') {
    const s: SubscriptionPolicy = {
      ...base,
      ...burst,
      stopOnQuotaReach: v.stopOnQuotaReach,
      billingPlan: v.billingPlan,
      subscriberCount: v.subscriberCount,
      customAttributes: v.customAttributes.map((a) => ({ name: a.name.trim(), value: a.value })),
      permissions:
        v.permissions.permissionType === 'NONE'
          ? null
          : { permissionType: v.permissions.permissionType, roles: v.permissions.roles },
    };
    return s;
  }
  if (level === 'application') {
    const a: ApplicationPolicy = { ...base, burstLimit: burst };
    return a;
  }
  if (level === 'advanced') {
    const groups: ConditionalGroup[] = v.conditionalGroups.map((g) => ({
      description: g.description,
      conditions: g.conditions.map(toCondition),
      limit: toLimit(g.limit),
    }));
    const a: AdvancedPolicy = { ...base, conditionalGroups: groups };
    return a;
  }
  return base;
}

/** "5 requests per minute", "10 MB per 2 hours". */
export function describeLimit(l: ThrottleLimit): string {
  const per = (n: number, unit: TimeUnit) => {
    const word = { sec: 'second', min: 'minute', hour: 'hour', day: 'day' }[unit] ?? unit;
    return n === 1 ? `per ${word}` : `per ${n} ${word}s`;
  };
  if (l.type === 'BANDWIDTHLIMIT')
    return `${l.bandwidth.dataAmount} ${l.bandwidth.dataUnit} ${per(l.bandwidth.unitTime, l.bandwidth.timeUnit)}`;
  const n = l.requestCount.requestCount;
  return `${n} request${n === 1 ? '' : 's'} ${per(l.requestCount.unitTime, l.requestCount.timeUnit)}`;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 or IPv6 address as the server parses them. */
export function isIp(s: string): boolean {
  const t = s.trim();
  if (IPV4.test(t)) return true;
  if (!t.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(t)) return false;
  try {
    return new URL(`http://[${t}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

function ipv4Number(s: string): number | null {
  const t = s.trim();
  if (!IPV4.test(t)) return null;
  return t.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Whether an IPv4 range runs backwards (IPv6 ranges are left to the server). */
export function rangeBackwards(start: string, end: string): boolean {
  const a = ipv4Number(start);
  const b = ipv4Number(end);
  return a !== null && b !== null && a > b;
}

const positive = (v: NumberValue) => {
  const n = Number(v);
  return v !== '' && Number.isInteger(n) && n > 0;
};

function limitErrors(v: LimitValues, path: string, errors: Record<string, string>) {
  if (v.type === 'REQUESTCOUNTLIMIT' && !positive(v.requestCount))
    errors[`${path}.requestCount`] = 'Enter a positive number of requests';
  if (v.type === 'BANDWIDTHLIMIT' && !positive(v.dataAmount))
    errors[`${path}.dataAmount`] = 'Enter a positive amount of data';
  if (!positive(v.unitTime)) errors[`${path}.unitTime`] = 'Enter a positive number of time units';
}

function conditionErrors(c: ConditionValues, path: string, errors: Record<string, string>) {
  if (c.type === 'IPCONDITION') {
    const check = (field: 'specificIP' | 'startingIP' | 'endingIP') => {
      if (!c[field].trim()) errors[`${path}.${field}`] = 'Enter an IP address';
      else if (!isIp(c[field])) errors[`${path}.${field}`] = `Not an IP address: '${c[field].trim()}'`;
    };
    if (c.ipConditionType === 'IPSPECIFIC') check('specificIP');
    else {
      check('startingIP');
      check('endingIP');
      if (
        !errors[`${path}.startingIP`] &&
        !errors[`${path}.endingIP`] &&
        rangeBackwards(c.startingIP, c.endingIP)
      )
        errors[`${path}.endingIP`] = 'The range must not end before it starts';
    }
    return;
  }
  const names = {
    HEADERCONDITION: 'header name',
    QUERYPARAMETERCONDITION: 'parameter name',
    JWTCLAIMSCONDITION: 'claim',
  };
  if (!c.name.trim()) errors[`${path}.name`] = `Enter the ${names[c.type]}`;
  if (!c.value) errors[`${path}.value`] = 'Enter the value to match';
}

/** The server's rules for a policy, as form errors keyed by field path. */
export function validatePolicy(level: PolicyLevel, v: PolicyValues): Record<string, string> {
  const errors: Record<string, string> = {};
  const name = v.policyName.trim();
  if (!name) errors.policyName = 'Enter a name';
  else if (name.length > 60) errors.policyName = 'At most 60 characters';
  else if (!/^[A-Za-z0-9_.-]+$/.test(name)) errors.policyName = "Only letters, digits, '_', '-' and '.'";
  limitErrors(v.defaultLimit, 'defaultLimit', errors);
  if (level === 'subscription' || level === 'application') {
    const rate = v.rateLimitCount === '' ? 0 : Number(v.rateLimitCount);
    if (!Number.isInteger(rate) || rate < 0)
      errors.rateLimitCount = 'Enter zero (no burst control) or a positive number';
    else if (rate > 0 && !v.rateLimitTimeUnit) errors.rateLimitTimeUnit = 'Choose per second or per minute';
  }
  if (level === 'subscription') {
    if (v.permissions.permissionType !== 'NONE' && v.permissions.roles.length === 0)
      errors['permissions.roles'] = 'Name at least one role';
    const seen = new Set<string>();
    v.customAttributes.forEach((a, i) => {
      const name = a.name.trim();
      if (!name) errors[`customAttributes.${i}.name`] = 'Enter a name';
      else if (name.length > 255) errors[`customAttributes.${i}.name`] = 'At most 255 characters';
      else if (seen.has(name)) errors[`customAttributes.${i}.name`] = `'${name}' is given twice`;
      if (a.value.length > 1024) errors[`customAttributes.${i}.value`] = 'At most 1024 characters';
      seen.add(name);
    });
  }
  if (level === 'advanced')
    v.conditionalGroups.forEach((g, i) => {
      const p = `conditionalGroups.${i}`;
      if (g.conditions.length === 0) errors[`${p}.conditions`] = 'A group needs at least one condition';
      g.conditions.forEach((c, k) => conditionErrors(c, `${p}.conditions.${k}`, errors));
      limitErrors(g.limit, `${p}.limit`, errors);
    });
  return errors;
}

const CONDITION_FIELD: Record<string, string> = {
  headerName: 'name',
  parameterName: 'name',
  claimUrl: 'name',
  headerValue: 'value',
  parameterValue: 'value',
  attribute: 'value',
  specificIP: 'specificIP',
  startingIP: 'startingIP',
  endingIP: 'endingIP',
  ipConditionType: 'ipConditionType',
};

/**
 * The form field a server field path names: `conditionalGroups[0].conditions[1].ipCondition.startingIP`
 * is `conditionalGroups.0.conditions.1.startingIP`, `defaultLimit.requestCount.requestCount` is
 * `defaultLimit.requestCount`, `burstLimit.rateLimitTimeUnit` is `rateLimitTimeUnit`.
 */
export function formPathOf(serverField: string): string {
  let p = serverField.replace(/\[(\d+)\]/g, '.$1');
  p = p.replace(/^burstLimit\./, '');
  p = p.replace(/^permissions\.roles\.\d+$/, 'permissions.roles');
  p = p.replace(/(limit|Limit)\.(requestCount|bandwidth)\.(\w+)$/, '$1.$3');
  p = p.replace(
    /(conditions\.\d+)\.\w+Condition\.(\w+)$/,
    (_, head: string, leaf: string) => `${head}.${CONDITION_FIELD[leaf] ?? leaf}`,
  );
  return p;
}
