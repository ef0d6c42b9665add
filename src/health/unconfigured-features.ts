/**
 * The parts of Lightdash 1.219's health answer about features this server does not have (AI, embedding,
 * Slack, Sentry, other single sign-on providers, …), with the values an unconfigured Lightdash gives.
 * Clients read them to decide which screens to show; none of them is ever enabled here.
 */
export const UNCONFIGURED_HEALTH_FIELDS = {
  ai: { isAmbientAiEnabled: false, threadDumpEnabled: false },
  appearance: {},
  dashboard: { disableSentryTracking: false, maxTabsPerDashboard: 20, maxTilesPerTab: 50 },
  dashboardComments: { enabled: false },
  dataApps: { previewOrigin: null, sampleDataEnabled: false },
  echarts6: { enabled: false },
  embedding: {
    enabled: false,
    events: { allowedOrigins: [], enablePostMessage: false, enabled: false, rateLimiting: { maxEventsPerWindow: 100, windowDurationMs: 60_000 } },
  },
  funnelBuilder: { enabled: false },
  hasBrandfetch: false,
  hasCacheAutocompleResults: false,
  hasEmailWhitelabel: false,
  hasExtendedUsageAnalytics: false,
  hasGithub: false,
  hasGitlab: false,
  hasHeadlessBrowser: false,
  hasMicrosoftTeams: false,
  hasPlaygroundProjects: false,
  hasSlack: false,
  headway: { enabled: false },
  intercom: { apiBase: '', appId: '' },
  isAthenaWarehouseIamRoleAuthEnabled: false,
  isOrganizationWarehouseCredentialsEnabled: false,
  isSaveCredentialsFormEnabled: false,
  isServiceAccountEnabled: false,
  license: { hasLicenseKey: false, valid: false },
  localDbtEnabled: false,
  pivotTable: { maxColumnLimit: 60 },
  preAggregates: { enabled: false },
  pylon: { appId: '' },
  requiresMigration: false,
  rudder: {},
  sentry: { environment: '', frontend: { dsn: '' }, profilesSampleRate: 0, release: '', tracesSampleRate: 0 },
  staticIp: '',
} as const;

/** Sign-in methods of Lightdash other than passwords and OpenID Connect: never enabled here. */
export const UNCONFIGURED_SIGN_IN_METHODS = {
  azuread: { enabled: false, loginPath: '/login/azuread' },
  databricks: { enabled: false },
  google: { enableGCloudADC: false, enabled: false, loginPath: '/login/google' },
  okta: { enabled: false, loginPath: '/login/okta' },
  oneLogin: { enabled: false, loginPath: '/login/oneLogin' },
  snowflake: { enabled: false },
} as const;
