const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["./graphiql-BPlhVtTc.css"])))=>i.map(i=>d[i]);
import{r as e}from"./rolldown-runtime-BLXQ4ufn.js";import{i as t,n,t as r}from"./react-D0RUMPTR.js";import{a as i,c as a,d as o,i as s,l as c,n as l,o as u,r as d,s as f,t as p,u as m}from"./styles-6TiFb-iD.js";import{ar as h}from"./graphiql-D7ILee3G.js";function g(e){return e===null?`null`:Array.isArray(e)?`array`:typeof e}function _(e){return g(e)===`object`}function v(e){return Array.isArray(e)&&e.length>0&&e.every(e=>`message`in e)}function y(e,t){return e.length<124?e:t}var b=(e=>(e[e.InternalServerError=4500]=`InternalServerError`,e[e.InternalClientError=4005]=`InternalClientError`,e[e.BadRequest=4400]=`BadRequest`,e[e.BadResponse=4004]=`BadResponse`,e[e.Unauthorized=4401]=`Unauthorized`,e[e.Forbidden=4403]=`Forbidden`,e[e.SubprotocolNotAcceptable=4406]=`SubprotocolNotAcceptable`,e[e.ConnectionInitialisationTimeout=4408]=`ConnectionInitialisationTimeout`,e[e.ConnectionAcknowledgementTimeout=4504]=`ConnectionAcknowledgementTimeout`,e[e.SubscriberAlreadyExists=4409]=`SubscriberAlreadyExists`,e[e.TooManyInitialisationRequests=4429]=`TooManyInitialisationRequests`,e))(b||{}),x=(e=>(e.ConnectionInit=`connection_init`,e.ConnectionAck=`connection_ack`,e.Ping=`ping`,e.Pong=`pong`,e.Subscribe=`subscribe`,e.Next=`next`,e.Error=`error`,e.Complete=`complete`,e))(x||{});function S(e){if(!_(e))throw Error(`Message is expected to be an object, but got ${g(e)}`);if(!e.type)throw Error(`Message is missing the 'type' property`);if(typeof e.type!=`string`)throw Error(`Message is expects the 'type' property to be a string, but got ${g(e.type)}`);switch(e.type){case`connection_init`:case`connection_ack`:case`ping`:case`pong`:if(e.payload!=null&&!_(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break;case`subscribe`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${g(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!_(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${g(e.payload)}`);if(typeof e.payload.query!=`string`)throw Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${g(e.payload.query)}`);if(e.payload.variables!=null&&!_(e.payload.variables))throw Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${g(e.payload.variables)}`);if(e.payload.operationName!=null&&g(e.payload.operationName)!==`string`)throw Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${g(e.payload.operationName)}`);if(e.payload.extensions!=null&&!_(e.payload.extensions))throw Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${g(e.payload.extensions)}`);break;case`next`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${g(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!_(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${g(e.payload)}`);break;case`error`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${g(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!v(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break;case`complete`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${g(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);break;default:throw Error(`Invalid message 'type' property "${e.type}"`)}return e}function C(e,t){return S(typeof e==`string`?JSON.parse(e,t):e)}function w(e,t){return S(e),JSON.stringify(e,t)}function T(e){let{url:t,connectionParams:n,lazy:r=!0,onNonLazyError:i=console.error,lazyCloseTimeout:a=0,keepAlive:o=0,disablePong:s,connectionAckWaitTimeout:c=0,retryAttempts:l=5,retryWait:u=async function(e){let t=2**e;await new Promise(e=>setTimeout(e,t*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:d=D,on:f,webSocketImpl:p,generateID:m=function(){return`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.replace(/[xy]/g,e=>{let t=Math.random()*16|0;return(e==`x`?t:t&3|8).toString(16)})},jsonMessageReplacer:h,jsonMessageReviver:g}=e,_;if(p){if(!te(p))throw Error(`Invalid WebSocket implementation provided`);_=p}else typeof WebSocket<`u`?_=WebSocket:typeof global<`u`?_=global.WebSocket||global.MozWebSocket:typeof window<`u`&&(_=window.WebSocket||window.MozWebSocket);if(!_)throw Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");let v=_,S=(()=>{let e=(()=>{let e={};return{on(t,n){return e[t]=n,()=>{delete e[t]}},emit(t){`id`in t&&e[t.id]?.(t)}}})(),t={connecting:f?.connecting?[f.connecting]:[],opened:f?.opened?[f.opened]:[],connected:f?.connected?[f.connected]:[],ping:f?.ping?[f.ping]:[],pong:f?.pong?[f.pong]:[],message:f?.message?[e.emit,f.message]:[e.emit],closed:f?.closed?[f.closed]:[],error:f?.error?[f.error]:[]};return{onMessage:e.on,on(e,n){let r=t[e];return r.push(n),()=>{let e=r.indexOf(n);e>-1&&r.splice(e,1)}},emit(e,...n){for(let r of[...t[e]])r(...n)}}})();function T(e){let t=[S.on(`error`,n=>{t.forEach(e=>e()),e(n)}),S.on(`closed`,n=>{t.forEach(e=>e()),e(n)})];return()=>t.forEach(e=>e())}let O,k=0,A,j=!1,M=0,N=!1;async function P(){clearTimeout(A);let[e,r]=await(O??=new Promise((e,r)=>(async()=>{if(j){if(await u(M),!k)return O=void 0,r({code:1e3,reason:`All Subscriptions Gone`});M++}S.emit(`connecting`,j);let i=new v(typeof t==`function`?await t():t,`graphql-transport-ws`),a,l;function d(){isFinite(o)&&o>0&&(clearTimeout(l),l=setTimeout(()=>{i.readyState===v.OPEN&&(i.send(w({type:x.Ping})),S.emit(`ping`,!1,void 0))},o))}T(e=>{O=void 0,clearTimeout(a),clearTimeout(l),r(e),e instanceof E&&(i.close(4499,`Terminated`),i.onerror=null,i.onclose=null)}),i.onerror=e=>S.emit(`error`,e),i.onclose=e=>S.emit(`closed`,e),i.onopen=async()=>{try{S.emit(`opened`,i);let e=typeof n==`function`?await n():n;if(i.readyState!==v.OPEN)return;i.send(w(e?{type:x.ConnectionInit,payload:e}:{type:x.ConnectionInit},h)),isFinite(c)&&c>0&&(a=setTimeout(()=>{i.close(b.ConnectionAcknowledgementTimeout,`Connection acknowledgement timeout`)},c)),d()}catch(e){S.emit(`error`,e),i.close(b.InternalClientError,y(e instanceof Error?e.message:String(e),`Internal client error`))}};let f=!1;i.onmessage=({data:t})=>{try{let n=C(t,g);if(S.emit(`message`,n),n.type===`ping`||n.type===`pong`){S.emit(n.type,!0,n.payload),n.type===`pong`?d():s||(i.send(w(n.payload?{type:x.Pong,payload:n.payload}:{type:x.Pong},h)),S.emit(`pong`,!1,n.payload));return}if(f)return;if(n.type!==x.ConnectionAck)throw Error(`First message cannot be of type ${n.type}`);clearTimeout(a),f=!0,S.emit(`connected`,i,n.payload,j),j=!1,M=0;let r=new Promise((e,t)=>T(t));r.catch(()=>{}),e([i,r])}catch(e){i.onmessage=null,S.emit(`error`,e),i.close(b.BadResponse,y(e instanceof Error?e.message:String(e),`Bad response`))}}})()));e.readyState===v.CLOSING&&await r;let i=()=>{},l=new Promise(e=>i=e);return[e,i,new Promise((t,n)=>{let i=T(n);e.readyState!==v.OPEN&&r.catch(n),l.then(()=>{if(i(),!k){let t=()=>e.close(1e3,`Normal Closure`);isFinite(a)&&a>0?(clearTimeout(A),A=setTimeout(()=>{!k&&e.readyState===v.OPEN&&t()},a)):t()}t()})})]}function F(e){if(D(e)&&(ee(e.code)||[b.InternalServerError,b.InternalClientError,b.BadRequest,b.BadResponse,b.Unauthorized,b.SubprotocolNotAcceptable,b.SubscriberAlreadyExists,b.TooManyInitialisationRequests].includes(e.code)))throw e;if(N)return!1;if(D(e)&&e.code===1e3)return k>0;if(!l||M>=l||!d(e))throw e;return j=!0}r||(async()=>{for(k++;;)try{let[,,e]=await P();await e}catch(e){try{if(!F(e))return}catch(e){return i?.(e)}}})();function I(e,t){let n=m(e),r=!1,i=!1,a=()=>{k--,r=!0};return(async()=>{for(k++;;)try{let[o,s,c]=await P();if(r)return c.catch(()=>{}),s();let l=S.onMessage(n,e=>{switch(e.type){case x.Next:t.next(e.payload);return;case x.Error:i=!0,r=!0,t.error(e.payload),a();return;case x.Complete:r=!0,a();return}});o.send(w({id:n,type:x.Subscribe,payload:e},h)),a=()=>{!r&&o.readyState===v.OPEN&&o.send(w({id:n,type:x.Complete},h)),k--,r=!0,s()},await c.finally(l);return}catch(e){if(!F(e))return}})().then(()=>{i||t.complete()}).catch(e=>{t.error(e)}),()=>{r||a()}}return{on:S.on,subscribe:I,iterate(e){let t=[],n={done:!1,error:null,resolve:()=>{}},r=I(e,{next(e){t.push(e),n.resolve()},error(e){n.done=!0,n.error=e,n.resolve()},complete(){n.done=!0,n.resolve()}}),i=async function*(){for(;;){for(t.length||await new Promise(e=>n.resolve=e);t.length;)yield t.shift();if(n.error)throw n.error;if(n.done)return}}();return i.throw=async e=>(n.done||(n.done=!0,n.error=e,n.resolve()),{done:!0,value:void 0}),i.return=async()=>(r(),{done:!0,value:void 0}),i},async dispose(){if(N=!0,O){let[e]=await O;e.close(1e3,`Normal Closure`)}},terminate(){O&&S.emit(`closed`,new E)}}}var E=class extends Error{name=`TerminatedCloseEvent`;message=`4499: Terminated`;code=4499;reason=`Terminated`;wasClean=!1};function D(e){return _(e)&&`code`in e&&`reason`in e}function ee(e){return![1e3,1001,1006,1005,1012,1013,1014].includes(e)&&e>=1e3&&e<=1999}function te(e){return typeof e==`function`&&`constructor`in e&&`CLOSED`in e&&`CLOSING`in e&&`CONNECTING`in e&&`OPEN`in e}var O=e(t(),1),k=n(),A={ListStateMachines:`query ListStateMachines($input: ListStateMachinesInput!) {
  listStateMachines(input: $input) {
    stateMachines {
      stateMachineArn
      name
      type
      creationDate
    }
    nextToken
  }
}`,DescribeStateMachine:`query DescribeStateMachine($stateMachineArn: String!) {
  describeStateMachine(input: {stateMachineArn: $stateMachineArn}) {
    stateMachineArn
    name
    status
    definition
    roleArn
    type
    creationDate
    label
    revisionId
    description
  }
  listStateMachineVersions(input: {stateMachineArn: $stateMachineArn}) {
    stateMachineVersions {
      stateMachineVersionArn
      creationDate
    }
    nextToken
  }
  listStateMachineAliases(input: {stateMachineArn: $stateMachineArn}) {
    stateMachineAliases {
      stateMachineAliasArn
      creationDate
    }
    nextToken
  }
}`,ListExecutions:`query ListExecutions($input: ListExecutionsInput!) {
  listExecutions(input: $input) {
    executions {
      ...ExecutionListItemFields
    }
    nextToken
  }
}

fragment ExecutionListItemFields on ExecutionListItem {
  executionArn
  stateMachineArn
  name
  status
  startDate
  stopDate
  mapRunArn
  itemCount
  stateMachineVersionArn
  stateMachineAliasArn
  redriveCount
  redriveDate
}`,GetExecution:`query GetExecution($executionArn: String!) {
  describeExecution(input: {executionArn: $executionArn}) {
    ...DescribeExecutionFields
  }
  describeStateMachineForExecution(input: {executionArn: $executionArn}) {
    stateMachineArn
    name
    definition
    roleArn
    updateDate
    mapRunArn
    label
    revisionId
  }
  getExecutionHistory(
    input: {executionArn: $executionArn, includeExecutionData: true}
  ) {
    events {
      ...HistoryEventFields
    }
    nextToken
  }
}

fragment DescribeExecutionFields on DescribeExecutionOutput {
  executionArn
  stateMachineArn
  name
  status
  startDate
  stopDate
  input
  output
  error
  cause
  mapRunArn
  stateMachineVersionArn
  stateMachineAliasArn
  redriveCount
  redriveDate
  redriveStatus
  redriveStatusReason
}

fragment HistoryEventFields on HistoryEvent {
  timestamp
  type
  id
  previousEventId
  activityFailedEventDetails
  activityScheduleFailedEventDetails
  activityScheduledEventDetails
  activityStartedEventDetails
  activitySucceededEventDetails
  activityTimedOutEventDetails
  taskFailedEventDetails
  taskScheduledEventDetails
  taskStartFailedEventDetails
  taskStartedEventDetails
  taskSubmitFailedEventDetails
  taskSubmittedEventDetails
  taskSucceededEventDetails
  taskTimedOutEventDetails
  executionFailedEventDetails
  executionStartedEventDetails
  executionSucceededEventDetails
  executionAbortedEventDetails
  executionTimedOutEventDetails
  executionRedrivenEventDetails
  mapStateStartedEventDetails
  mapIterationStartedEventDetails
  mapIterationSucceededEventDetails
  mapIterationFailedEventDetails
  mapIterationAbortedEventDetails
  lambdaFunctionFailedEventDetails
  lambdaFunctionScheduleFailedEventDetails
  lambdaFunctionScheduledEventDetails
  lambdaFunctionStartFailedEventDetails
  lambdaFunctionSucceededEventDetails
  lambdaFunctionTimedOutEventDetails
  stateEnteredEventDetails
  stateExitedEventDetails
  mapRunStartedEventDetails
  mapRunFailedEventDetails
  mapRunRedrivenEventDetails
  evaluationFailedEventDetails
}`,StartExecution:`mutation StartExecution($input: StartExecutionInput!) {
  startExecution(input: $input) {
    executionArn
    startDate
  }
}`,StopExecution:`mutation StopExecution($input: StopExecutionInput!) {
  stopExecution(input: $input) {
    stopDate
  }
}`,RedriveExecution:`mutation RedriveExecution($input: RedriveExecutionInput!) {
  redriveExecution(input: $input) {
    redriveDate
  }
}`,OnExecutionsChanged:`subscription OnExecutionsChanged($stateMachineArn: String!) {
  onExecutionsChanged(stateMachineArn: $stateMachineArn) {
    ...ExecutionListItemFields
  }
}

fragment ExecutionListItemFields on ExecutionListItem {
  executionArn
  stateMachineArn
  name
  status
  startDate
  stopDate
  mapRunArn
  itemCount
  stateMachineVersionArn
  stateMachineAliasArn
  redriveCount
  redriveDate
}`,OnExecutionUpdated:`subscription OnExecutionUpdated($executionArn: String!) {
  onExecutionUpdated(executionArn: $executionArn) {
    execution {
      ...DescribeExecutionFields
    }
    events {
      ...HistoryEventFields
    }
  }
}

fragment DescribeExecutionFields on DescribeExecutionOutput {
  executionArn
  stateMachineArn
  name
  status
  startDate
  stopDate
  input
  output
  error
  cause
  mapRunArn
  stateMachineVersionArn
  stateMachineAliasArn
  redriveCount
  redriveDate
  redriveStatus
  redriveStatusReason
}

fragment HistoryEventFields on HistoryEvent {
  timestamp
  type
  id
  previousEventId
  activityFailedEventDetails
  activityScheduleFailedEventDetails
  activityScheduledEventDetails
  activityStartedEventDetails
  activitySucceededEventDetails
  activityTimedOutEventDetails
  taskFailedEventDetails
  taskScheduledEventDetails
  taskStartFailedEventDetails
  taskStartedEventDetails
  taskSubmitFailedEventDetails
  taskSubmittedEventDetails
  taskSucceededEventDetails
  taskTimedOutEventDetails
  executionFailedEventDetails
  executionStartedEventDetails
  executionSucceededEventDetails
  executionAbortedEventDetails
  executionTimedOutEventDetails
  executionRedrivenEventDetails
  mapStateStartedEventDetails
  mapIterationStartedEventDetails
  mapIterationSucceededEventDetails
  mapIterationFailedEventDetails
  mapIterationAbortedEventDetails
  lambdaFunctionFailedEventDetails
  lambdaFunctionScheduleFailedEventDetails
  lambdaFunctionScheduledEventDetails
  lambdaFunctionStartFailedEventDetails
  lambdaFunctionSucceededEventDetails
  lambdaFunctionTimedOutEventDetails
  stateEnteredEventDetails
  stateExitedEventDetails
  mapRunStartedEventDetails
  mapRunFailedEventDetails
  mapRunRedrivenEventDetails
  evaluationFailedEventDetails
}`,ListTables:`query ListTables($input: ListTablesInput!) {
  listTables(input: $input) {
    TableNames
    LastEvaluatedTableName
  }
}`,DescribeTable:`query DescribeTable($TableName: String!) {
  describeTable(input: {TableName: $TableName}) {
    Table {
      TableName
      TableArn
      TableStatus
      CreationDateTime
      ItemCount
      TableSizeBytes
      BillingModeSummary {
        BillingMode
      }
      KeySchema {
        AttributeName
        KeyType
      }
      AttributeDefinitions {
        AttributeName
        AttributeType
      }
      GlobalSecondaryIndexes {
        ...SecondaryIndexFields
      }
      LocalSecondaryIndexes {
        ...SecondaryIndexFields
      }
      StreamSpecification {
        StreamEnabled
        StreamViewType
      }
    }
  }
}

fragment SecondaryIndexFields on SecondaryIndexDescription {
  IndexName
  KeySchema {
    AttributeName
    KeyType
  }
  Projection {
    ProjectionType
    NonKeyAttributes
  }
  ItemCount
}`,Scan:`query Scan($input: ScanInput!) {
  scan(input: $input) {
    Items
    Count
    ScannedCount
    LastEvaluatedKey
  }
}`,Query:`query Query($input: QueryInput!) {
  query(input: $input) {
    Items
    Count
    ScannedCount
    LastEvaluatedKey
  }
}`,GetItem:`query GetItem($input: GetItemInput!) {
  getItem(input: $input) {
    Item
  }
}`,PutItem:`mutation PutItem($input: PutItemInput!) {
  putItem(input: $input) {
    Attributes
  }
}`,DeleteItem:`mutation DeleteItem($input: DeleteItemInput!) {
  deleteItem(input: $input) {
    Attributes
  }
}`,OnTableRecord:`subscription OnTableRecord($TableName: String!) {
  onTableRecord(TableName: $TableName) {
    eventID
    eventName
    dynamodb {
      ApproximateCreationDateTime
      Keys
      NewImage
      OldImage
      SequenceNumber
      StreamViewType
    }
  }
}`,OnResolverLog:`subscription OnResolverLog($latest: Int) {
  onResolverLog(latest: $latest) {
    ...ResolverLogRequestFields
  }
}

fragment ResolverLogRequestFields on ResolverLogRequest {
  requestId
  graphQLAPIId
  startTime
  endTime
  duration
  statusCode
  operationName
  query
  variables
  authorizationType
  errors
  entries {
    logType
    path
    parentType
    fieldName
    returnType
    resolverArn
    functionName
    functionArn
    dataSourceName
    dataSourceType
    startOffset
    duration
    transformedTemplate
    evaluationResult
    context
    fieldInError
    errors
  }
}`},j=`ConsoleApiUnavailable`,M=class extends Error{errorType;constructor(e,t){super(e),this.errorType=t,this.name=`ConsoleApiError`}};function N(e){let t=A[e];if(t===void 0)throw Error(`operations.graphql has no operation ${e}`);return t}function P(e){if(e.errors&&e.errors.length>0){let t=e.errors[0];throw new M(t.message,t.extensions?.errorType??null)}if(e.data==null)throw new M(`the console API returned no data`,null);return e.data}function F(e,t){let n=`Bearer ${t}`,r=null,i=!1,a=new Set,o=e=>{i=e;for(let t of a)t(e)},s=()=>(r??=T({url:e.replace(/^http/,`ws`),lazy:!0,retryAttempts:3,connectionParams:{authorization:n},shouldRetry:e=>!(e instanceof CloseEvent&&e.code===4403),on:{connected:()=>o(!0),closed:()=>o(!1)}}),r);return{async request(t,r={}){let i=await fetch(e,{method:`POST`,headers:{"content-type":`application/json`,accept:`application/json`,authorization:n},body:JSON.stringify({query:N(t),operationName:t,variables:r})});if(i.status===404||i.status===405)throw new M(`this server does not serve the console API (POST ${new URL(e).pathname} answered HTTP ${i.status}); the GraphQL explorer works without it`,j);let a;try{a=await i.json()}catch{throw new M(`console API: HTTP ${i.status}`,null)}return P(a)},subscribe(e,t={},n){let r=s().iterate({query:N(e),operationName:e,variables:t});n&&(a.add(n),i&&queueMicrotask(()=>n(!0)));let o={async next(){let e=await r.next();return e.done?{done:!0,value:void 0}:{done:!1,value:P(e.value)}},async return(){return n&&a.delete(n),await r.return?.(),{done:!0,value:void 0}},[Symbol.asyncIterator](){return o}};return o},close(){r?.dispose(),r=null,i=!1}}}async function I(){let e=await fetch(`./config.json`,{headers:{accept:`application/json`}});if(!e.ok)throw Error(`config.json: HTTP ${e.status}`);return await e.json()}async function L(e,t={}){return(await e.request(`ListTables`,{input:{Limit:100,...t}})).listTables}async function R(e,t){return(await e.request(`DescribeTable`,{TableName:t})).describeTable.Table}async function ne(e,t){return(await e.request(`Scan`,{input:t})).scan}async function re(e,t){return(await e.request(`Query`,{input:t})).query}async function ie(e,t,n){return(await e.request(`GetItem`,{input:{TableName:t,Key:n}})).getItem.Item}async function ae(e,t,n){await e.request(`PutItem`,{input:{TableName:t,Item:n}})}async function oe(e,t,n){await e.request(`DeleteItem`,{input:{TableName:t,Key:n}})}async function*se(e,t){for await(let n of e.subscribe(`OnTableRecord`,{TableName:t}))yield n.onTableRecord}var z=r(),B=`appsync-local-console-token`;function ce(){try{return window.sessionStorage.getItem(B)}catch{return null}}function le(){try{window.sessionStorage.removeItem(B)}catch{}}function V({onToken:e}){let t=(0,O.useId)(),[n,r]=(0,O.useState)(``);return(0,z.jsxs)(`form`,{className:`start-form`,"aria-label":`Console token`,onSubmit:t=>{t.preventDefault();let r=n.trim();if(r){try{window.sessionStorage.setItem(B,r)}catch{}e(r)}},children:[(0,z.jsx)(`h2`,{children:`Console token`}),(0,z.jsxs)(`p`,{className:`muted`,children:[`These pages read and change the server's data through the console API, which needs the console token appsync-local printed when it started (also in the data directory's `,(0,z.jsx)(`span`,{className:`mono`,children:`console-token`}),`). Browsers on the server's own machine receive it without asking.`]}),(0,z.jsxs)(`span`,{className:`field`,children:[(0,z.jsx)(`label`,{htmlFor:t,children:`Token`}),(0,z.jsx)(`input`,{id:t,value:n,autoComplete:`off`,spellCheck:!1,onChange:e=>r(e.target.value)})]}),(0,z.jsx)(`button`,{type:`submit`,children:`Use this token`})]})}function H(e){return e instanceof M?e.errorType===`ConsoleApiUnavailable`?`The console API is not available.`:e.errorType===`UnauthorizedException`?`The console API refused the console token.`:`The console API answered with an error.`:`The console API answered with an error.`}function U({error:e}){let t=e instanceof M&&e.errorType===`UnauthorizedException`;return(0,z.jsxs)(`div`,{className:`error-panel`,role:`alert`,children:[(0,z.jsx)(`strong`,{children:H(e)}),(0,z.jsx)(`p`,{children:e.message}),t&&(0,z.jsx)(`button`,{type:`button`,onClick:()=>{le(),window.location.reload()},children:`Enter another token`})]})}function W({state:e,children:t}){return e.error?(0,z.jsx)(U,{error:e.error}):e.value===null?(0,z.jsx)(`p`,{className:`muted`,role:`status`,children:`Loading…`}):(0,z.jsx)(z.Fragment,{children:t(e.value)})}function G(e,t){let[n,r]=(0,O.useState)({loading:!0,value:null,error:null}),[i,a]=(0,O.useState)(0);(0,O.useEffect)(()=>{let t=!0;return r(e=>({...e,loading:!0,error:null})),e().then(e=>t&&r({loading:!1,value:e,error:null}),e=>t&&r({loading:!1,value:null,error:e instanceof Error?e:Error(String(e))})),()=>{t=!1}},[...t,i]);let o=(0,O.useCallback)(()=>a(e=>e+1),[]);return{...n,reload:o}}var ue=e=>`#/dynamodb/table/${encodeURIComponent(e)}`;function de({client:e}){let t=G(async()=>{let t=(await L(e)).TableNames;return Promise.all(t.map(t=>R(e,t)))},[e]);return(0,z.jsxs)(`section`,{"aria-labelledby":`tables-heading`,children:[(0,z.jsxs)(`div`,{className:`section-header`,children:[(0,z.jsx)(`h2`,{id:`tables-heading`,children:`DynamoDB tables`}),(0,z.jsx)(`button`,{type:`button`,onClick:t.reload,children:`Refresh`})]}),(0,z.jsx)(W,{state:t,children:e=>e.length===0?(0,z.jsx)(`p`,{className:`muted`,children:`No tables. Declare them under server.dynamodb.tables.`}):(0,z.jsxs)(`table`,{className:`data`,"aria-label":`Tables`,children:[(0,z.jsx)(`thead`,{children:(0,z.jsxs)(`tr`,{children:[(0,z.jsx)(`th`,{scope:`col`,children:`Table`}),(0,z.jsx)(`th`,{scope:`col`,children:`Partition key`}),(0,z.jsx)(`th`,{scope:`col`,children:`Sort key`}),(0,z.jsx)(`th`,{scope:`col`,children:`Indexes`}),(0,z.jsx)(`th`,{scope:`col`,children:`Items`})]})}),(0,z.jsx)(`tbody`,{children:e.map(e=>{let[t,n]=c(e),r=[...e.GlobalSecondaryIndexes??[],...e.LocalSecondaryIndexes??[]];return(0,z.jsxs)(`tr`,{children:[(0,z.jsx)(`td`,{children:(0,z.jsx)(`a`,{href:ue(e.TableName),children:e.TableName})}),(0,z.jsx)(`td`,{className:`mono`,children:t??``}),(0,z.jsx)(`td`,{className:`mono`,children:n??`–`}),(0,z.jsx)(`td`,{children:r.map(e=>e.IndexName).join(`, `)||`–`}),(0,z.jsx)(`td`,{children:e.ItemCount??`–`})]},e.TableName)})})]})})]})}function K(e,t,n){let r=e.AttributeDefinitions.find(e=>e.AttributeName===t)?.AttributeType??`S`;return r===`N`?{N:n}:r===`B`?{B:n}:{S:n}}function q(e,t){return t?[...e.GlobalSecondaryIndexes??[],...e.LocalSecondaryIndexes??[]].find(e=>e.IndexName===t)?.KeySchema??e.KeySchema:e.KeySchema}function fe(e,t,n){let r={TableName:e.TableName,IndexName:t.index||null,Limit:50,ExclusiveStartKey:n};if(t.mode===`scan`)return{kind:`scan`,input:r};let i=q(e,t.index),a=i.find(e=>e.KeyType===`HASH`).AttributeName,o=i.find(e=>e.KeyType===`RANGE`)?.AttributeName,s={"#pk":a},c={":pk":K(e,a,t.partition)},l=`#pk = :pk`;return o&&t.sortOperator&&t.sortValue!==``&&(s[`#sk`]=o,c[`:sk`]=K(e,o,t.sortValue),t.sortOperator===`begins_with`?l+=` AND begins_with(#sk, :sk)`:t.sortOperator===`between`?(c[`:sk2`]=K(e,o,t.sortValue2),l+=` AND #sk BETWEEN :sk AND :sk2`):l+=` AND #sk ${t.sortOperator} :sk`),{kind:`query`,input:{...r,KeyConditionExpression:l,ExpressionAttributeNames:s,ExpressionAttributeValues:c}}}function pe({table:e,onSearch:t}){let n=(0,O.useId)(),[r,i]=(0,O.useState)({mode:`scan`,index:``,partition:``,sortOperator:``,sortValue:``,sortValue2:``}),a=e=>i({...r,...e}),o=q(e,r.index),s=o.find(e=>e.KeyType===`HASH`)?.AttributeName??``,c=o.find(e=>e.KeyType===`RANGE`)?.AttributeName,l=[...e.GlobalSecondaryIndexes??[],...e.LocalSecondaryIndexes??[]];return(0,z.jsxs)(`form`,{className:`search-form`,"aria-label":`Scan or query`,onSubmit:e=>{e.preventDefault(),t(r)},children:[(0,z.jsx)(`div`,{role:`radiogroup`,"aria-label":`Operation`,className:`segmented`,children:[`scan`,`query`].map(e=>(0,z.jsxs)(`label`,{children:[(0,z.jsx)(`input`,{type:`radio`,name:`${n}-mode`,checked:r.mode===e,onChange:()=>a({mode:e})}),e===`scan`?`Scan`:`Query`]},e))}),(0,z.jsxs)(`span`,{className:`field`,children:[(0,z.jsx)(`label`,{htmlFor:`${n}-index`,children:`Table or index`}),(0,z.jsxs)(`select`,{id:`${n}-index`,value:r.index,onChange:e=>a({index:e.target.value}),children:[(0,z.jsxs)(`option`,{value:``,children:[e.TableName,` (table)`]}),l.map(e=>(0,z.jsx)(`option`,{value:e.IndexName,children:e.IndexName},e.IndexName))]})]}),r.mode===`query`&&(0,z.jsxs)(z.Fragment,{children:[(0,z.jsxs)(`span`,{className:`field`,children:[(0,z.jsxs)(`label`,{htmlFor:`${n}-pk`,children:[s,` (partition key) =`]}),(0,z.jsx)(`input`,{id:`${n}-pk`,required:!0,value:r.partition,onChange:e=>a({partition:e.target.value})})]}),c&&(0,z.jsxs)(z.Fragment,{children:[(0,z.jsxs)(`span`,{className:`field`,children:[(0,z.jsxs)(`label`,{htmlFor:`${n}-op`,children:[c,` (sort key)`]}),(0,z.jsxs)(`select`,{id:`${n}-op`,value:r.sortOperator,onChange:e=>a({sortOperator:e.target.value}),children:[(0,z.jsx)(`option`,{value:``,children:`any`}),[`=`,`<`,`<=`,`>`,`>=`,`begins_with`,`between`].map(e=>(0,z.jsx)(`option`,{value:e,children:e},e))]})]}),r.sortOperator&&(0,z.jsxs)(`span`,{className:`field`,children:[(0,z.jsx)(`label`,{htmlFor:`${n}-sk`,children:`Value`}),(0,z.jsx)(`input`,{id:`${n}-sk`,value:r.sortValue,onChange:e=>a({sortValue:e.target.value})})]}),r.sortOperator===`between`&&(0,z.jsxs)(`span`,{className:`field`,children:[(0,z.jsx)(`label`,{htmlFor:`${n}-sk2`,children:`and`}),(0,z.jsx)(`input`,{id:`${n}-sk2`,value:r.sortValue2,onChange:e=>a({sortValue2:e.target.value})})]})]})]}),(0,z.jsx)(`button`,{type:`submit`,children:`Run`})]})}function me({client:e,tableName:t}){let n=G(()=>R(e,t),[e,t]),[r,i]=(0,O.useState)({mode:`scan`,index:``,partition:``,sortOperator:``,sortValue:``,sortValue2:``}),[s,l]=(0,O.useState)([null]),[u,d]=(0,O.useState)(null),[p,h]=(0,O.useState)(null),[g,_]=(0,O.useState)(null),[v,y]=(0,O.useState)(0),b=async(t,n,r)=>{try{let i=fe(t,n,r);d(i.kind===`scan`?await ne(e,i.input):await re(e,i.input)),h(null)}catch(e){h(e instanceof Error?e:Error(String(e)))}};return(0,O.useEffect)(()=>{n.value&&b(n.value,r,s[s.length-1])},[n.value,r,s,v]),(0,O.useEffect)(()=>{let n=se(e,t),r=!0;return(async()=>{try{for await(let e of n){if(!r)break;y(e=>e+1)}}catch{}})(),()=>{r=!1,n.return(void 0)}},[e,t]),(0,z.jsxs)(`section`,{"aria-labelledby":`table-heading`,children:[(0,z.jsxs)(`nav`,{className:`crumbs`,"aria-label":`Breadcrumb`,children:[(0,z.jsx)(`a`,{href:`#/dynamodb`,children:`Tables`}),` / `,(0,z.jsx)(`span`,{children:t})]}),(0,z.jsx)(`h2`,{id:`table-heading`,children:t}),(0,z.jsx)(W,{state:n,children:n=>(0,z.jsxs)(z.Fragment,{children:[(0,z.jsx)(a,{table:n}),(0,z.jsx)(pe,{table:n,onSearch:e=>{i(e),l([null])}}),p&&(0,z.jsx)(U,{error:p}),(0,z.jsxs)(`div`,{className:`section-header`,children:[(0,z.jsxs)(`h3`,{children:[`Items `,u?`(${u.Count} returned, ${u.ScannedCount} scanned, page ${s.length})`:``]}),(0,z.jsxs)(`div`,{className:`actions`,children:[(0,z.jsx)(`button`,{type:`button`,onClick:()=>_(`new`),children:`Create item`}),(0,z.jsx)(`button`,{type:`button`,disabled:s.length<=1,onClick:()=>l(s.slice(0,-1)),children:`Previous page`}),(0,z.jsx)(`button`,{type:`button`,disabled:!u?.LastEvaluatedKey,onClick:()=>l([...s,u.LastEvaluatedKey]),children:`Next page`})]})]}),g&&(0,z.jsx)(m,{item:g===`new`?null:g,keyNames:c(n),onCancel:()=>_(null),onSave:async n=>{await ae(e,t,n),_(null),y(e=>e+1)}},g===`new`?`new`:JSON.stringify(g)),u&&(0,z.jsx)(f,{table:n,items:u.Items,onEdit:async r=>{try{let i=await ie(e,t,o(r,c(n)));_(i??r)}catch(e){h(e instanceof Error?e:Error(String(e)))}},onDelete:async n=>{if(window.confirm(`Delete this item?`))try{await oe(e,t,n),y(e=>e+1)}catch(e){h(e instanceof Error?e:Error(String(e)))}}})]})})]})}async function*he(e,t=200,n){let r=e.subscribe(`OnResolverLog`,{latest:t},n);for await(let e of r)yield e.onResolverLog}var J=500;function ge({client:e}){let[t,n]=(0,O.useState)([]),[r,i]=(0,O.useState)(null),[a,o]=(0,O.useState)(!1);return(0,O.useEffect)(()=>{let t=!0,r=he(e,J,e=>{t&&o(e)});return(async()=>{try{for await(let e of r){if(!t)break;n(t=>[e,...t.filter(t=>t.requestId!==e.requestId)].slice(0,J))}}catch(e){t&&i(e instanceof Error?e:Error(String(e)))}finally{t&&o(!1)}})(),()=>{t=!1,r.return(void 0)}},[e]),(0,z.jsxs)(`section`,{"aria-labelledby":`logs-heading`,children:[(0,z.jsx)(`h2`,{id:`logs-heading`,children:`Resolver log`}),r&&(0,z.jsx)(U,{error:r}),(0,z.jsx)(s,{requests:t,live:a})]})}async function _e(e,t=null){return(await e.request(`ListStateMachines`,{input:{maxResults:100,nextToken:t}})).listStateMachines}function ve(e,t){return e.request(`DescribeStateMachine`,{stateMachineArn:t})}async function ye(e,t,n,r=null){return(await e.request(`ListExecutions`,{input:{stateMachineArn:t,statusFilter:n,maxResults:100,nextToken:r}})).listExecutions}function be(e,t){return e.request(`GetExecution`,{executionArn:t})}async function xe(e,t){return(await e.request(`StartExecution`,{input:t})).startExecution}async function Se(e,t){return(await e.request(`StopExecution`,{input:t})).stopExecution}async function Ce(e,t){return(await e.request(`RedriveExecution`,{input:{executionArn:t}})).redriveExecution}async function*we(e,t){for await(let n of e.subscribe(`OnExecutionUpdated`,{executionArn:t}))yield n.onExecutionUpdated}async function*Te(e,t){for await(let n of e.subscribe(`OnExecutionsChanged`,{stateMachineArn:t}))yield n.onExecutionsChanged}var Y=e=>`#/stepfunctions/machine/${encodeURIComponent(e)}`,X=e=>`#/stepfunctions/execution/${encodeURIComponent(e)}`,Z=()=>Date.now()/1e3;function Ee({client:e}){let t=G(()=>_e(e),[e]);return(0,z.jsxs)(`section`,{"aria-labelledby":`machines-heading`,children:[(0,z.jsxs)(`div`,{className:`section-header`,children:[(0,z.jsx)(`h2`,{id:`machines-heading`,children:`State machines`}),(0,z.jsx)(`button`,{type:`button`,onClick:t.reload,children:`Refresh`})]}),(0,z.jsx)(W,{state:t,children:e=>e.stateMachines.length===0?(0,z.jsx)(`p`,{className:`muted`,children:`No state machines. Declare them under server.stepFunctions, or create them with the AWS CLI.`}):(0,z.jsxs)(`table`,{className:`data`,"aria-label":`State machines`,children:[(0,z.jsx)(`thead`,{children:(0,z.jsxs)(`tr`,{children:[(0,z.jsx)(`th`,{scope:`col`,children:`Name`}),(0,z.jsx)(`th`,{scope:`col`,children:`Type`}),(0,z.jsx)(`th`,{scope:`col`,children:`Created`})]})}),(0,z.jsx)(`tbody`,{children:e.stateMachines.map(e=>(0,z.jsxs)(`tr`,{children:[(0,z.jsx)(`td`,{children:(0,z.jsx)(`a`,{href:Y(e.stateMachineArn),children:e.name})}),(0,z.jsx)(`td`,{children:e.type}),(0,z.jsx)(`td`,{children:u(e.creationDate)})]},e.stateMachineArn))})]})})]})}function De({client:e,stateMachineArn:t}){let n=(0,O.useId)(),r=(0,O.useId)(),[i,a]=(0,O.useState)(``),[o,s]=(0,O.useState)(`{}`),[c,l]=(0,O.useState)(null),u=async()=>{try{JSON.parse(o)}catch(e){l(`The input is not JSON: ${String(e)}`);return}try{let n=await xe(e,{stateMachineArn:t,name:i||null,input:o});window.location.hash=X(n.executionArn)}catch(e){l(e instanceof Error?e.message:String(e))}};return(0,z.jsxs)(`form`,{className:`start-form`,"aria-label":`Start execution`,onSubmit:e=>{e.preventDefault(),u()},children:[(0,z.jsx)(`h3`,{children:`Start execution`}),(0,z.jsxs)(`span`,{className:`field`,children:[(0,z.jsx)(`label`,{htmlFor:n,children:`Name (optional)`}),(0,z.jsx)(`input`,{id:n,value:i,onChange:e=>a(e.target.value)})]}),(0,z.jsxs)(`span`,{className:`field column`,children:[(0,z.jsx)(`label`,{htmlFor:r,children:`Input (JSON)`}),(0,z.jsx)(`textarea`,{id:r,rows:5,value:o,spellCheck:!1,onChange:e=>s(e.target.value)})]}),c&&(0,z.jsx)(`p`,{className:`error`,role:`alert`,children:c}),(0,z.jsx)(`button`,{type:`submit`,children:`Start execution`})]})}function Oe({client:e,stateMachineArn:t}){let n=G(()=>ve(e,t),[e,t]),[r,a]=(0,O.useState)(null),o=G(()=>ye(e,t,r),[e,t,r]),[s,c]=(0,O.useState)(new Map);(0,O.useEffect)(()=>{let n=Te(e,t),r=!0;return(async()=>{try{for await(let e of n){if(!r)break;c(t=>new Map(t).set(e.executionArn,e))}}catch{}})(),()=>{r=!1,n.return(void 0)}},[e,t]);let u=e=>{let t=new Map(e.map(e=>[e.executionArn,e]));for(let[e,n]of s)t.set(e,n);return[...t.values()].filter(e=>r===null||e.status===r).sort((e,t)=>t.startDate-e.startDate)};return(0,z.jsxs)(`section`,{"aria-labelledby":`machine-heading`,children:[(0,z.jsxs)(`nav`,{className:`crumbs`,"aria-label":`Breadcrumb`,children:[(0,z.jsx)(`a`,{href:`#/stepfunctions`,children:`State machines`}),` / `,(0,z.jsx)(`span`,{children:i(t)})]}),(0,z.jsx)(`h2`,{id:`machine-heading`,children:i(t)}),(0,z.jsx)(W,{state:n,children:e=>(0,z.jsx)(l,{detail:e})}),(0,z.jsx)(De,{client:e,stateMachineArn:t}),(0,z.jsx)(W,{state:o,children:e=>(0,z.jsx)(p,{executions:u(e.executions),now:Z(),statusFilter:r,onFilter:a,executionHref:X})})]})}function ke(e,t){if(t.length===0)return e;let n=e.length>0?e[e.length-1].id:0,r=t.filter(e=>e.id>n);return r.length===t.length&&t[0]?.id===1?t:r.length===0?e:[...e,...r]}function Ae({client:e,executionArn:t}){let n=G(()=>be(e,t),[e,t]),[r,a]=(0,O.useState)(null),[o,s]=(0,O.useState)([]),[c,l]=(0,O.useState)(Z()),[u,f]=(0,O.useState)(!1),[p,m]=(0,O.useState)(null);(0,O.useEffect)(()=>{n.value&&(a(n.value.describeExecution),s(n.value.getExecutionHistory.events))},[n.value]);let h=r?.status===`RUNNING`;(0,O.useEffect)(()=>{if(!h)return;let r=we(e,t),i=window.setInterval(()=>l(Z()),500),o=!0;return(async()=>{try{for await(let e of r){if(!o)break;a(e.execution),s(t=>ke(t,e.events))}}catch{n.reload()}})(),()=>{o=!1,window.clearInterval(i),r.return(void 0)}},[e,t,h]);let g=async e=>{f(!0),m(null);try{await e(),n.reload()}catch(e){m(e instanceof Error?e:Error(String(e)))}finally{f(!1)}},_=n.value?.describeStateMachineForExecution;return(0,z.jsxs)(`section`,{"aria-labelledby":`execution-heading`,children:[(0,z.jsxs)(`nav`,{className:`crumbs`,"aria-label":`Breadcrumb`,children:[(0,z.jsx)(`a`,{href:`#/stepfunctions`,children:`State machines`}),` /`,` `,_?(0,z.jsx)(`a`,{href:Y(_.stateMachineArn),children:_.name}):`…`,` / `,(0,z.jsx)(`span`,{children:i(t)})]}),(0,z.jsx)(`h2`,{id:`execution-heading`,children:i(t)}),p&&(0,z.jsx)(U,{error:p}),n.error&&!r?(0,z.jsx)(U,{error:n.error}):r&&_?(0,z.jsx)(d,{execution:r,definition:_.definition,events:o,now:h?c:r.stopDate??c,actions:{busy:u,stop:()=>void g(()=>Se(e,{executionArn:t})),redrive:()=>void g(()=>Ce(e,t))}}):(0,z.jsx)(`p`,{className:`muted`,role:`status`,children:`Loading…`})]})}function je({client:e,parts:t}){return t[0]===`machine`&&t[1]?(0,z.jsx)(Oe,{client:e,stateMachineArn:t[1]},t[1]):t[0]===`execution`&&t[1]?(0,z.jsx)(Ae,{client:e,executionArn:t[1]},t[1]):(0,z.jsx)(Ee,{client:e})}function Q({client:e,parts:t}){return t[0]===`table`&&t[1]?(0,z.jsx)(me,{client:e,tableName:t[1]},t[1]):(0,z.jsx)(de,{client:e})}function Me({client:e}){return(0,z.jsx)(ge,{client:e})}function $(e){let[t,n=``]=e.replace(/^#\/?/,``).split(`?`,2),r=t.split(`/`).filter(Boolean).map(decodeURIComponent),i=new URLSearchParams(n),a=r[0];return a===`stepfunctions`||a===`dynamodb`||a===`logs`?{section:a,parts:r.slice(1),params:i}:{section:`explorer`,parts:[],params:i}}function Ne(){let[e,t]=(0,O.useState)(()=>$(window.location.hash));return(0,O.useEffect)(()=>{let e=()=>t($(window.location.hash));return window.addEventListener(`hashchange`,e),()=>window.removeEventListener(`hashchange`,e)},[]),e}var Pe=(0,O.lazy)(()=>h(()=>import(`./Explorer-D58Awvww.js`).then(e=>e.t),__vite__mapDeps([0]),import.meta.url)),Fe=[{id:`explorer`,title:`GraphQL explorer`,href:`#/explorer`},{id:`stepfunctions`,title:`Step Functions`,href:`#/stepfunctions`},{id:`dynamodb`,title:`DynamoDB`,href:`#/dynamodb`},{id:`logs`,title:`Resolver log`,href:`#/logs`}];function Ie({config:e,current:t}){let n=Fe.filter(t=>e.sections.includes(t.id));return(0,z.jsxs)(`header`,{className:`app-header`,children:[(0,z.jsxs)(`div`,{className:`brand`,children:[(0,z.jsx)(`h1`,{children:e.apiName}),(0,z.jsxs)(`span`,{className:`version`,children:[`appsync-local `,e.version]})]}),(0,z.jsxs)(`dl`,{className:`endpoints`,"aria-label":`Endpoints`,children:[e.endpoints.graphql&&(0,z.jsxs)(`div`,{children:[(0,z.jsx)(`dt`,{children:`GraphQL`}),(0,z.jsx)(`dd`,{className:`mono`,children:e.endpoints.graphql})]}),e.endpoints.realtime&&(0,z.jsxs)(`div`,{children:[(0,z.jsx)(`dt`,{children:`Realtime`}),(0,z.jsx)(`dd`,{className:`mono`,children:e.endpoints.realtime})]}),e.endpoints.aws&&(0,z.jsxs)(`div`,{children:[(0,z.jsx)(`dt`,{children:`AWS endpoint`}),(0,z.jsx)(`dd`,{className:`mono`,children:e.endpoints.aws})]})]}),(0,z.jsx)(`nav`,{"aria-label":`Sections`,className:`sections`,children:n.map(e=>(0,z.jsx)(`a`,{href:e.href,"aria-current":e.id===t?`page`:void 0,children:e.title},e.id))})]})}function Le(){let[e,t]=(0,O.useState)(null),[n,r]=(0,O.useState)(null),[i,a]=(0,O.useState)(null),o=Ne();(0,O.useEffect)(()=>{I().then(e=>{t(e),a(e.consoleToken??ce())},e=>r(String(e)))},[]);let s=(0,O.useMemo)(()=>e&&i?F(new URL(e.endpoints.console,window.location.href).href,i):null,[e,i]);if((0,O.useEffect)(()=>()=>s?.close(),[s]),(0,O.useEffect)(()=>{e&&(document.title=`${e.apiName} · appsync-local console`)},[e]),n)return(0,z.jsxs)(`main`,{className:`fatal`,role:`alert`,children:[`The console could not read its configuration: `,n]});if(!e)return(0,z.jsx)(`main`,{className:`fatal`,children:`Loading…`});let c=e.sections.includes(o.section)?o.section:e.sections[0],l=c!==`explorer`&&!s;return(0,z.jsxs)(`div`,{className:`app section-${c}`,children:[(0,z.jsx)(`a`,{className:`skip-link`,href:`#main`,children:`Skip to content`}),(0,z.jsx)(Ie,{config:e,current:c}),(0,z.jsxs)(`main`,{id:`main`,tabIndex:-1,children:[l&&(0,z.jsx)(V,{onToken:a}),c===`explorer`&&(0,z.jsx)(O.Suspense,{fallback:(0,z.jsx)(`p`,{className:`muted`,role:`status`,children:`Loading the explorer…`}),children:(0,z.jsx)(Pe,{config:e,consoleToken:i,initialQuery:o.params.get(`query`)??void 0,initialVariables:o.params.get(`variables`)??void 0},o.params.get(`query`)??``)}),s&&c===`stepfunctions`&&(0,z.jsx)(je,{client:s,parts:o.parts}),s&&c===`dynamodb`&&(0,z.jsx)(Q,{client:s,parts:o.parts}),s&&c===`logs`&&(0,z.jsx)(Me,{client:s})]})]})}(0,k.createRoot)(document.getElementById(`root`)).render((0,z.jsx)(O.StrictMode,{children:(0,z.jsx)(Le,{})}));export{T as t};