// The auth-mode picker above the explorer: one choice per mode the API has (the default first),
// and each mode's inputs. It edits an AuthDraft; the explorer turns the draft into headers per
// request, so typing never refetches the schema.
import { useId, useState } from "react";
import type { AuthenticationType, AuthProvider, ConsoleConfig } from "../config";
import type { AuthState } from "./auth";
import { CognitoError, initiateAuth } from "./cognito";

export interface AuthDraft {
  mode: AuthenticationType;
  apiKey: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  region: string;
  cognitoEndpoint: string;
  clientId: string;
  username: string;
  cognitoTokens: { IdToken: string; AccessToken: string } | null;
  cognitoTokenUse: "access" | "id";
  oidcToken: string;
  lambdaToken: string;
}

export const MODE_LABELS: Record<AuthenticationType, string> = {
  API_KEY: "API key",
  AWS_IAM: "AWS IAM (SigV4)",
  AMAZON_COGNITO_USER_POOLS: "Amazon Cognito user pool",
  OPENID_CONNECT: "OpenID Connect",
  AWS_LAMBDA: "AWS Lambda",
};

function provider<T extends AuthenticationType>(config: ConsoleConfig, mode: T) {
  return config.authProviders.find((p) => p.authenticationType === mode) as Extract<AuthProvider, { authenticationType: T }> | undefined;
}

export function initialDraft(config: ConsoleConfig): AuthDraft {
  const iam = provider(config, "AWS_IAM");
  const cognito = provider(config, "AMAZON_COGNITO_USER_POOLS");
  return {
    mode: config.authProviders[0]?.authenticationType ?? "API_KEY",
    apiKey: provider(config, "API_KEY")?.apiKeys[0]?.id ?? "",
    accessKeyId: iam?.credentials[0]?.accessKeyId ?? "",
    secretAccessKey: "",
    sessionToken: "",
    region: iam?.region ?? config.region,
    cognitoEndpoint: config.endpoints.aws ?? "",
    clientId: cognito?.clientIds[0] ?? "",
    username: "",
    cognitoTokens: null,
    cognitoTokenUse: "access",
    oidcToken: "",
    lambdaToken: "",
  };
}

export function authState(draft: AuthDraft): AuthState {
  switch (draft.mode) {
    case "API_KEY":
      return { mode: "API_KEY", apiKey: draft.apiKey };
    case "AWS_IAM":
      return {
        mode: "AWS_IAM",
        region: draft.region,
        credentials: {
          accessKeyId: draft.accessKeyId,
          secretAccessKey: draft.secretAccessKey,
          sessionToken: draft.sessionToken || undefined,
        },
      };
    case "AMAZON_COGNITO_USER_POOLS": {
      const tokens = draft.cognitoTokens;
      const token = tokens ? (draft.cognitoTokenUse === "id" ? tokens.IdToken : tokens.AccessToken) : "";
      return { mode: "AMAZON_COGNITO_USER_POOLS", token };
    }
    case "OPENID_CONNECT":
      return { mode: "OPENID_CONNECT", token: draft.oidcToken.trim() };
    case "AWS_LAMBDA":
      return { mode: "AWS_LAMBDA", token: draft.lambdaToken };
  }
}

interface Props {
  config: ConsoleConfig;
  draft: AuthDraft;
  onChange(draft: AuthDraft): void;
  /** A change that should refetch the schema (mode switched, signed in). */
  onApply(draft: AuthDraft): void;
}

function Field(props: { label: string; value: string; onChange(value: string): void; type?: string; list?: string; width?: string; placeholder?: string }) {
  const id = useId();
  return (
    <span className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type={props.type ?? "text"}
        value={props.value}
        list={props.list}
        placeholder={props.placeholder}
        style={props.width ? { width: props.width } : undefined}
        autoComplete="off"
        spellCheck={false}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </span>
  );
}

export function AuthPicker({ config, draft, onChange, onApply }: Props) {
  const modeId = useId();
  const keysId = useId();
  const [password, setPassword] = useState("");
  const [status, setStatus] = useState<{ kind: "ok" | "error" | "busy"; text: string } | null>(null);
  const set = (patch: Partial<AuthDraft>) => onChange({ ...draft, ...patch });

  const signIn = async () => {
    setStatus({ kind: "busy", text: "signing in…" });
    try {
      const tokens = await initiateAuth(draft.cognitoEndpoint, draft.clientId, draft.username, password);
      const next = { ...draft, cognitoTokens: { IdToken: tokens.IdToken, AccessToken: tokens.AccessToken } };
      setPassword("");
      setStatus({ kind: "ok", text: `signed in as ${draft.username}` });
      onApply(next);
    } catch (error) {
      const text = error instanceof CognitoError ? `${error.errorType}: ${error.message}` : String(error);
      setStatus({ kind: "error", text });
    }
  };

  const apiKeys = provider(config, "API_KEY")?.apiKeys ?? [];
  return (
    <form className="auth-picker" aria-label="Authorization" onSubmit={(event) => event.preventDefault()}>
      <span className="field">
        <label htmlFor={modeId}>Authorization mode</label>
        <select
          id={modeId}
          value={draft.mode}
          onChange={(event) => {
            setStatus(null);
            onApply({ ...draft, mode: event.target.value as AuthenticationType });
          }}
        >
          {config.authProviders.map((p, index) => (
            <option key={p.authenticationType} value={p.authenticationType}>
              {MODE_LABELS[p.authenticationType]}
              {index === 0 ? " (default)" : ""}
            </option>
          ))}
        </select>
      </span>
      {draft.mode === "API_KEY" && (
        <>
          <Field label="API key" value={draft.apiKey} list={keysId} width="22rem" onChange={(apiKey) => set({ apiKey })} />
          <datalist id={keysId}>
            {apiKeys.map((key) => (
              <option key={key.id} value={key.id}>
                {key.description ?? ""}
              </option>
            ))}
          </datalist>
        </>
      )}
      {draft.mode === "AWS_IAM" && (
        <>
          <Field label="Access key ID" value={draft.accessKeyId} width="13rem" onChange={(accessKeyId) => set({ accessKeyId })} />
          <Field label="Secret access key" type="password" value={draft.secretAccessKey} width="13rem" onChange={(secretAccessKey) => set({ secretAccessKey })} />
          <Field label="Session token" type="password" value={draft.sessionToken} width="8rem" placeholder="optional" onChange={(sessionToken) => set({ sessionToken })} />
          <Field label="Region" value={draft.region} width="7rem" onChange={(region) => set({ region })} />
        </>
      )}
      {draft.mode === "AMAZON_COGNITO_USER_POOLS" && (
        <>
          <Field label="Cognito endpoint" value={draft.cognitoEndpoint} width="12rem" onChange={(cognitoEndpoint) => set({ cognitoEndpoint })} />
          <Field label="App client ID" value={draft.clientId} width="11rem" onChange={(clientId) => set({ clientId })} />
          <Field label="Username" value={draft.username} width="8rem" onChange={(username) => set({ username })} />
          <Field label="Password" type="password" value={password} width="8rem" onChange={setPassword} />
          <button type="submit" onClick={() => void signIn()} disabled={!draft.cognitoEndpoint || !draft.clientId || !draft.username}>
            Sign in
          </button>
          <span className="field">
            <label htmlFor={`${modeId}-use`}>Send</label>
            <select
              id={`${modeId}-use`}
              value={draft.cognitoTokenUse}
              onChange={(event) => set({ cognitoTokenUse: event.target.value as "access" | "id" })}
            >
              <option value="access">access token</option>
              <option value="id">ID token</option>
            </select>
          </span>
        </>
      )}
      {draft.mode === "OPENID_CONNECT" && (
        <Field label="OIDC token (JWT)" value={draft.oidcToken} width="30rem" placeholder="eyJ…" onChange={(oidcToken) => set({ oidcToken })} />
      )}
      {draft.mode === "AWS_LAMBDA" && (
        <Field label="Authorization token" value={draft.lambdaToken} width="22rem" onChange={(lambdaToken) => set({ lambdaToken })} />
      )}
      {status && (
        <span role="status" className={`auth-status ${status.kind}`}>
          {status.text}
        </span>
      )}
    </form>
  );
}
