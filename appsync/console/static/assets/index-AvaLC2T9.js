const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["./Explorer-DZnnIOlF.js","./styles-Wi9FwdIy.js","./styles--C9mNqB3.css","./Explorer-BPlhVtTc.css"])))=>i.map(i=>d[i]);
import{_ as e,a as t,c as n,d as r,f as i,i as a,l as o,m as s,n as c,o as l,r as u,s as d,t as f,u as p}from"./styles-Wi9FwdIy.js";function m(e){return e===null?`null`:Array.isArray(e)?`array`:typeof e}function h(e){return m(e)===`object`}function g(e){return Array.isArray(e)&&e.length>0&&e.every(e=>`message`in e)}function _(e,t){return e.length<124?e:t}var v=(e=>(e[e.InternalServerError=4500]=`InternalServerError`,e[e.InternalClientError=4005]=`InternalClientError`,e[e.BadRequest=4400]=`BadRequest`,e[e.BadResponse=4004]=`BadResponse`,e[e.Unauthorized=4401]=`Unauthorized`,e[e.Forbidden=4403]=`Forbidden`,e[e.SubprotocolNotAcceptable=4406]=`SubprotocolNotAcceptable`,e[e.ConnectionInitialisationTimeout=4408]=`ConnectionInitialisationTimeout`,e[e.ConnectionAcknowledgementTimeout=4504]=`ConnectionAcknowledgementTimeout`,e[e.SubscriberAlreadyExists=4409]=`SubscriberAlreadyExists`,e[e.TooManyInitialisationRequests=4429]=`TooManyInitialisationRequests`,e))(v||{}),y=(e=>(e.ConnectionInit=`connection_init`,e.ConnectionAck=`connection_ack`,e.Ping=`ping`,e.Pong=`pong`,e.Subscribe=`subscribe`,e.Next=`next`,e.Error=`error`,e.Complete=`complete`,e))(y||{});function b(e){if(!h(e))throw Error(`Message is expected to be an object, but got ${m(e)}`);if(!e.type)throw Error(`Message is missing the 'type' property`);if(typeof e.type!=`string`)throw Error(`Message is expects the 'type' property to be a string, but got ${m(e.type)}`);switch(e.type){case`connection_init`:case`connection_ack`:case`ping`:case`pong`:if(e.payload!=null&&!h(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break;case`subscribe`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${m(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!h(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${m(e.payload)}`);if(typeof e.payload.query!=`string`)throw Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${m(e.payload.query)}`);if(e.payload.variables!=null&&!h(e.payload.variables))throw Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${m(e.payload.variables)}`);if(e.payload.operationName!=null&&m(e.payload.operationName)!==`string`)throw Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${m(e.payload.operationName)}`);if(e.payload.extensions!=null&&!h(e.payload.extensions))throw Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${m(e.payload.extensions)}`);break;case`next`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${m(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!h(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${m(e.payload)}`);break;case`error`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${m(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!g(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break;case`complete`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${m(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);break;default:throw Error(`Invalid message 'type' property "${e.type}"`)}return e}function ee(e,t){return b(typeof e==`string`?JSON.parse(e,t):e)}function x(e,t){return b(e),JSON.stringify(e,t)}function S(e){let{url:t,connectionParams:n,lazy:r=!0,onNonLazyError:i=console.error,lazyCloseTimeout:a=0,keepAlive:o=0,disablePong:s,connectionAckWaitTimeout:c=0,retryAttempts:l=5,retryWait:u=async function(e){let t=2**e;await new Promise(e=>setTimeout(e,t*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:d=w,on:f,webSocketImpl:p,generateID:m=function(){return`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.replace(/[xy]/g,e=>{let t=Math.random()*16|0;return(e==`x`?t:t&3|8).toString(16)})},jsonMessageReplacer:h,jsonMessageReviver:g}=e,b;if(p){if(!ne(p))throw Error(`Invalid WebSocket implementation provided`);b=p}else typeof WebSocket<`u`?b=WebSocket:typeof global<`u`?b=global.WebSocket||global.MozWebSocket:typeof window<`u`&&(b=window.WebSocket||window.MozWebSocket);if(!b)throw Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");let S=b,T=(()=>{let e=(()=>{let e={};return{on(t,n){return e[t]=n,()=>{delete e[t]}},emit(t){`id`in t&&e[t.id]?.(t)}}})(),t={connecting:f?.connecting?[f.connecting]:[],opened:f?.opened?[f.opened]:[],connected:f?.connected?[f.connected]:[],ping:f?.ping?[f.ping]:[],pong:f?.pong?[f.pong]:[],message:f?.message?[e.emit,f.message]:[e.emit],closed:f?.closed?[f.closed]:[],error:f?.error?[f.error]:[]};return{onMessage:e.on,on(e,n){let r=t[e];return r.push(n),()=>{let e=r.indexOf(n);e>-1&&r.splice(e,1)}},emit(e,...n){for(let r of[...t[e]])r(...n)}}})();function E(e){let t=[T.on(`error`,n=>{t.forEach(e=>e()),e(n)}),T.on(`closed`,n=>{t.forEach(e=>e()),e(n)})];return()=>t.forEach(e=>e())}let D,O=0,k,A=!1,j=0,M=!1;async function N(){clearTimeout(k);let[e,r]=await(D??=new Promise((e,r)=>(async()=>{if(A){if(await u(j),!O)return D=void 0,r({code:1e3,reason:`All Subscriptions Gone`});j++}T.emit(`connecting`,A);let i=new S(typeof t==`function`?await t():t,`graphql-transport-ws`),a,l;function d(){isFinite(o)&&o>0&&(clearTimeout(l),l=setTimeout(()=>{i.readyState===S.OPEN&&(i.send(x({type:y.Ping})),T.emit(`ping`,!1,void 0))},o))}E(e=>{D=void 0,clearTimeout(a),clearTimeout(l),r(e),e instanceof C&&(i.close(4499,`Terminated`),i.onerror=null,i.onclose=null)}),i.onerror=e=>T.emit(`error`,e),i.onclose=e=>T.emit(`closed`,e),i.onopen=async()=>{try{T.emit(`opened`,i);let e=typeof n==`function`?await n():n;if(i.readyState!==S.OPEN)return;i.send(x(e?{type:y.ConnectionInit,payload:e}:{type:y.ConnectionInit},h)),isFinite(c)&&c>0&&(a=setTimeout(()=>{i.close(v.ConnectionAcknowledgementTimeout,`Connection acknowledgement timeout`)},c)),d()}catch(e){T.emit(`error`,e),i.close(v.InternalClientError,_(e instanceof Error?e.message:String(e),`Internal client error`))}};let f=!1;i.onmessage=({data:t})=>{try{let n=ee(t,g);if(T.emit(`message`,n),n.type===`ping`||n.type===`pong`){T.emit(n.type,!0,n.payload),n.type===`pong`?d():s||(i.send(x(n.payload?{type:y.Pong,payload:n.payload}:{type:y.Pong},h)),T.emit(`pong`,!1,n.payload));return}if(f)return;if(n.type!==y.ConnectionAck)throw Error(`First message cannot be of type ${n.type}`);clearTimeout(a),f=!0,T.emit(`connected`,i,n.payload,A),A=!1,j=0;let r=new Promise((e,t)=>E(t));r.catch(()=>{}),e([i,r])}catch(e){i.onmessage=null,T.emit(`error`,e),i.close(v.BadResponse,_(e instanceof Error?e.message:String(e),`Bad response`))}}})()));e.readyState===S.CLOSING&&await r;let i=()=>{},l=new Promise(e=>i=e);return[e,i,new Promise((t,n)=>{let i=E(n);e.readyState!==S.OPEN&&r.catch(n),l.then(()=>{if(i(),!O){let t=()=>e.close(1e3,`Normal Closure`);isFinite(a)&&a>0?(clearTimeout(k),k=setTimeout(()=>{!O&&e.readyState===S.OPEN&&t()},a)):t()}t()})})]}function P(e){if(w(e)&&(te(e.code)||[v.InternalServerError,v.InternalClientError,v.BadRequest,v.BadResponse,v.Unauthorized,v.SubprotocolNotAcceptable,v.SubscriberAlreadyExists,v.TooManyInitialisationRequests].includes(e.code)))throw e;if(M)return!1;if(w(e)&&e.code===1e3)return O>0;if(!l||j>=l||!d(e))throw e;return A=!0}r||(async()=>{for(O++;;)try{let[,,e]=await N();await e}catch(e){try{if(!P(e))return}catch(e){return i?.(e)}}})();function F(e,t){let n=m(e),r=!1,i=!1,a=()=>{O--,r=!0};return(async()=>{for(O++;;)try{let[o,s,c]=await N();if(r)return c.catch(()=>{}),s();let l=T.onMessage(n,e=>{switch(e.type){case y.Next:t.next(e.payload);return;case y.Error:i=!0,r=!0,t.error(e.payload),a();return;case y.Complete:r=!0,a();return}});o.send(x({id:n,type:y.Subscribe,payload:e},h)),a=()=>{!r&&o.readyState===S.OPEN&&o.send(x({id:n,type:y.Complete},h)),O--,r=!0,s()},await c.finally(l);return}catch(e){if(!P(e))return}})().then(()=>{i||t.complete()}).catch(e=>{t.error(e)}),()=>{r||a()}}return{on:T.on,subscribe:F,iterate(e){let t=[],n={done:!1,error:null,resolve:()=>{}},r=F(e,{next(e){t.push(e),n.resolve()},error(e){n.done=!0,n.error=e,n.resolve()},complete(){n.done=!0,n.resolve()}}),i=async function*(){for(;;){for(t.length||await new Promise(e=>n.resolve=e);t.length;)yield t.shift();if(n.error)throw n.error;if(n.done)return}}();return i.throw=async e=>(n.done||(n.done=!0,n.error=e,n.resolve()),{done:!0,value:void 0}),i.return=async()=>(r(),{done:!0,value:void 0}),i},async dispose(){if(M=!0,D){let[e]=await D;e.close(1e3,`Normal Closure`)}},terminate(){D&&T.emit(`closed`,new C)}}}var C=class extends Error{name=`TerminatedCloseEvent`;message=`4499: Terminated`;code=4499;reason=`Terminated`;wasClean=!1};function w(e){return h(e)&&`code`in e&&`reason`in e}function te(e){return![1e3,1001,1006,1005,1012,1013,1014].includes(e)&&e>=1e3&&e<=1999}function ne(e){return typeof e==`function`&&`constructor`in e&&`CLOSED`in e&&`CLOSING`in e&&`CONNECTING`in e&&`OPEN`in e}var T=e(s(),1),E=i(),D={ListStateMachines:`query ListStateMachines($input: ListStateMachinesInput!) {
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
}`,ResolverLog:`query ResolverLog($limit: Int) {
  resolverLog(limit: $limit) {
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
}`,OnResolverLog:`subscription OnResolverLog {
  onResolverLog {
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
}`},O=class extends Error{errorType;constructor(e,t){super(e),this.errorType=t,this.name=`ConsoleApiError`}};function k(e){let t=D[e];if(t===void 0)throw Error(`operations.graphql has no operation ${e}`);return t}function A(e){if(e.errors&&e.errors.length>0){let t=e.errors[0];throw new O(t.message,t.extensions?.errorType??null)}if(e.data==null)throw new O(`the console API returned no data`,null);return e.data}function j(e){let t=null,n=()=>(t??=S({url:e.replace(/^http/,`ws`),lazy:!0,retryAttempts:3}),t);return{async request(t,n={}){let r=await fetch(e,{method:`POST`,headers:{"content-type":`application/json`,accept:`application/json`},body:JSON.stringify({query:k(t),operationName:t,variables:n})}),i;try{i=await r.json()}catch{throw new O(`console API: HTTP ${r.status}`,null)}return A(i)},subscribe(e,t={}){let r=n().iterate({query:k(e),operationName:e,variables:t}),i={async next(){let e=await r.next();return e.done?{done:!0,value:void 0}:{done:!1,value:A(e.value)}},async return(){return await r.return?.(),{done:!0,value:void 0}},[Symbol.asyncIterator](){return i}};return i},close(){t?.dispose(),t=null}}}async function M(){let e=await fetch(`./config.json`,{headers:{accept:`application/json`}});if(!e.ok)throw Error(`config.json: HTTP ${e.status}`);return await e.json()}async function N(e,t={}){return(await e.request(`ListTables`,{input:{Limit:100,...t}})).listTables}async function P(e,t){return(await e.request(`DescribeTable`,{TableName:t})).describeTable.Table}async function F(e,t){return(await e.request(`Scan`,{input:t})).scan}async function re(e,t){return(await e.request(`Query`,{input:t})).query}async function ie(e,t,n){await e.request(`PutItem`,{input:{TableName:t,Item:n}})}async function I(e,t,n){await e.request(`DeleteItem`,{input:{TableName:t,Key:n}})}async function*ae(e,t){for await(let n of e.subscribe(`OnTableRecord`,{TableName:t}))yield n.onTableRecord}var L=r();function R({error:e}){return(0,L.jsxs)(`div`,{className:`error-panel`,role:`alert`,children:[(0,L.jsx)(`strong`,{children:`The console API answered with an error.`}),(0,L.jsx)(`p`,{children:e.message})]})}function z({state:e,children:t}){return e.error?(0,L.jsx)(R,{error:e.error}):e.value===null?(0,L.jsx)(`p`,{className:`muted`,role:`status`,children:`Loading…`}):(0,L.jsx)(L.Fragment,{children:t(e.value)})}function B(e,t){let[n,r]=(0,T.useState)({loading:!0,value:null,error:null}),[i,a]=(0,T.useState)(0);(0,T.useEffect)(()=>{let t=!0;return r(e=>({...e,loading:!0,error:null})),e().then(e=>t&&r({loading:!1,value:e,error:null}),e=>t&&r({loading:!1,value:null,error:e instanceof Error?e:Error(String(e))})),()=>{t=!1}},[...t,i]);let o=(0,T.useCallback)(()=>a(e=>e+1),[]);return{...n,reload:o}}var oe=e=>`#/dynamodb/table/${encodeURIComponent(e)}`;function se({client:e}){let t=B(async()=>{let t=(await N(e)).TableNames;return Promise.all(t.map(t=>P(e,t)))},[e]);return(0,L.jsxs)(`section`,{"aria-labelledby":`tables-heading`,children:[(0,L.jsxs)(`div`,{className:`section-header`,children:[(0,L.jsx)(`h2`,{id:`tables-heading`,children:`DynamoDB tables`}),(0,L.jsx)(`button`,{type:`button`,onClick:t.reload,children:`Refresh`})]}),(0,L.jsx)(z,{state:t,children:e=>e.length===0?(0,L.jsx)(`p`,{className:`muted`,children:`No tables. Declare them under server.dynamodb.tables.`}):(0,L.jsxs)(`table`,{className:`data`,"aria-label":`Tables`,children:[(0,L.jsx)(`thead`,{children:(0,L.jsxs)(`tr`,{children:[(0,L.jsx)(`th`,{scope:`col`,children:`Table`}),(0,L.jsx)(`th`,{scope:`col`,children:`Partition key`}),(0,L.jsx)(`th`,{scope:`col`,children:`Sort key`}),(0,L.jsx)(`th`,{scope:`col`,children:`Indexes`}),(0,L.jsx)(`th`,{scope:`col`,children:`Items`})]})}),(0,L.jsx)(`tbody`,{children:e.map(e=>{let[t,n]=o(e),r=[...e.GlobalSecondaryIndexes??[],...e.LocalSecondaryIndexes??[]];return(0,L.jsxs)(`tr`,{children:[(0,L.jsx)(`td`,{children:(0,L.jsx)(`a`,{href:oe(e.TableName),children:e.TableName})}),(0,L.jsx)(`td`,{className:`mono`,children:t??``}),(0,L.jsx)(`td`,{className:`mono`,children:n??`–`}),(0,L.jsx)(`td`,{children:r.map(e=>e.IndexName).join(`, `)||`–`}),(0,L.jsx)(`td`,{children:e.ItemCount??`–`})]},e.TableName)})})]})})]})}function V(e,t,n){let r=e.AttributeDefinitions.find(e=>e.AttributeName===t)?.AttributeType??`S`;return r===`N`?{N:n}:r===`B`?{B:n}:{S:n}}function H(e,t){return t?[...e.GlobalSecondaryIndexes??[],...e.LocalSecondaryIndexes??[]].find(e=>e.IndexName===t)?.KeySchema??e.KeySchema:e.KeySchema}function U(e,t,n){let r={TableName:e.TableName,IndexName:t.index||null,Limit:50,ExclusiveStartKey:n};if(t.mode===`scan`)return{kind:`scan`,input:r};let i=H(e,t.index),a=i.find(e=>e.KeyType===`HASH`).AttributeName,o=i.find(e=>e.KeyType===`RANGE`)?.AttributeName,s={"#pk":a},c={":pk":V(e,a,t.partition)},l=`#pk = :pk`;return o&&t.sortOperator&&t.sortValue!==``&&(s[`#sk`]=o,c[`:sk`]=V(e,o,t.sortValue),t.sortOperator===`begins_with`?l+=` AND begins_with(#sk, :sk)`:t.sortOperator===`between`?(c[`:sk2`]=V(e,o,t.sortValue2),l+=` AND #sk BETWEEN :sk AND :sk2`):l+=` AND #sk ${t.sortOperator} :sk`),{kind:`query`,input:{...r,KeyConditionExpression:l,ExpressionAttributeNames:s,ExpressionAttributeValues:c}}}function W({table:e,onSearch:t}){let n=(0,T.useId)(),[r,i]=(0,T.useState)({mode:`scan`,index:``,partition:``,sortOperator:``,sortValue:``,sortValue2:``}),a=e=>i({...r,...e}),o=H(e,r.index),s=o.find(e=>e.KeyType===`HASH`)?.AttributeName??``,c=o.find(e=>e.KeyType===`RANGE`)?.AttributeName,l=[...e.GlobalSecondaryIndexes??[],...e.LocalSecondaryIndexes??[]];return(0,L.jsxs)(`form`,{className:`search-form`,"aria-label":`Scan or query`,onSubmit:e=>{e.preventDefault(),t(r)},children:[(0,L.jsx)(`div`,{role:`radiogroup`,"aria-label":`Operation`,className:`segmented`,children:[`scan`,`query`].map(e=>(0,L.jsxs)(`label`,{children:[(0,L.jsx)(`input`,{type:`radio`,name:`${n}-mode`,checked:r.mode===e,onChange:()=>a({mode:e})}),e===`scan`?`Scan`:`Query`]},e))}),(0,L.jsxs)(`span`,{className:`field`,children:[(0,L.jsx)(`label`,{htmlFor:`${n}-index`,children:`Table or index`}),(0,L.jsxs)(`select`,{id:`${n}-index`,value:r.index,onChange:e=>a({index:e.target.value}),children:[(0,L.jsxs)(`option`,{value:``,children:[e.TableName,` (table)`]}),l.map(e=>(0,L.jsx)(`option`,{value:e.IndexName,children:e.IndexName},e.IndexName))]})]}),r.mode===`query`&&(0,L.jsxs)(L.Fragment,{children:[(0,L.jsxs)(`span`,{className:`field`,children:[(0,L.jsxs)(`label`,{htmlFor:`${n}-pk`,children:[s,` (partition key) =`]}),(0,L.jsx)(`input`,{id:`${n}-pk`,required:!0,value:r.partition,onChange:e=>a({partition:e.target.value})})]}),c&&(0,L.jsxs)(L.Fragment,{children:[(0,L.jsxs)(`span`,{className:`field`,children:[(0,L.jsxs)(`label`,{htmlFor:`${n}-op`,children:[c,` (sort key)`]}),(0,L.jsxs)(`select`,{id:`${n}-op`,value:r.sortOperator,onChange:e=>a({sortOperator:e.target.value}),children:[(0,L.jsx)(`option`,{value:``,children:`any`}),[`=`,`<`,`<=`,`>`,`>=`,`begins_with`,`between`].map(e=>(0,L.jsx)(`option`,{value:e,children:e},e))]})]}),r.sortOperator&&(0,L.jsxs)(`span`,{className:`field`,children:[(0,L.jsx)(`label`,{htmlFor:`${n}-sk`,children:`Value`}),(0,L.jsx)(`input`,{id:`${n}-sk`,value:r.sortValue,onChange:e=>a({sortValue:e.target.value})})]}),r.sortOperator===`between`&&(0,L.jsxs)(`span`,{className:`field`,children:[(0,L.jsx)(`label`,{htmlFor:`${n}-sk2`,children:`and`}),(0,L.jsx)(`input`,{id:`${n}-sk2`,value:r.sortValue2,onChange:e=>a({sortValue2:e.target.value})})]})]})]}),(0,L.jsx)(`button`,{type:`submit`,children:`Run`})]})}function G({client:e,tableName:t}){let r=B(()=>P(e,t),[e,t]),[i,a]=(0,T.useState)({mode:`scan`,index:``,partition:``,sortOperator:``,sortValue:``,sortValue2:``}),[s,c]=(0,T.useState)([null]),[l,u]=(0,T.useState)(null),[f,m]=(0,T.useState)(null),[h,g]=(0,T.useState)(null),[_,v]=(0,T.useState)(0),y=async(t,n,r)=>{try{let i=U(t,n,r);u(i.kind===`scan`?await F(e,i.input):await re(e,i.input)),m(null)}catch(e){m(e instanceof Error?e:Error(String(e)))}};return(0,T.useEffect)(()=>{r.value&&y(r.value,i,s[s.length-1])},[r.value,i,s,_]),(0,T.useEffect)(()=>{let n=ae(e,t),r=!0;return(async()=>{try{for await(let e of n){if(!r)break;v(e=>e+1)}}catch{}})(),()=>{r=!1,n.return(void 0)}},[e,t]),(0,L.jsxs)(`section`,{"aria-labelledby":`table-heading`,children:[(0,L.jsxs)(`nav`,{className:`crumbs`,"aria-label":`Breadcrumb`,children:[(0,L.jsx)(`a`,{href:`#/dynamodb`,children:`Tables`}),` / `,(0,L.jsx)(`span`,{children:t})]}),(0,L.jsx)(`h2`,{id:`table-heading`,children:t}),(0,L.jsx)(z,{state:r,children:r=>(0,L.jsxs)(L.Fragment,{children:[(0,L.jsx)(n,{table:r}),(0,L.jsx)(W,{table:r,onSearch:e=>{a(e),c([null])}}),f&&(0,L.jsx)(R,{error:f}),(0,L.jsxs)(`div`,{className:`section-header`,children:[(0,L.jsxs)(`h3`,{children:[`Items `,l?`(${l.Count} returned, ${l.ScannedCount} scanned, page ${s.length})`:``]}),(0,L.jsxs)(`div`,{className:`actions`,children:[(0,L.jsx)(`button`,{type:`button`,onClick:()=>g(`new`),children:`Create item`}),(0,L.jsx)(`button`,{type:`button`,disabled:s.length<=1,onClick:()=>c(s.slice(0,-1)),children:`Previous page`}),(0,L.jsx)(`button`,{type:`button`,disabled:!l?.LastEvaluatedKey,onClick:()=>c([...s,l.LastEvaluatedKey]),children:`Next page`})]})]}),h&&(0,L.jsx)(p,{item:h===`new`?null:h,keyNames:o(r),onCancel:()=>g(null),onSave:async n=>{await ie(e,t,n),g(null),v(e=>e+1)}},h===`new`?`new`:JSON.stringify(h)),l&&(0,L.jsx)(d,{table:r,items:l.Items,onEdit:e=>g(e),onDelete:async n=>{if(window.confirm(`Delete this item?`))try{await I(e,t,n),v(e=>e+1)}catch(e){m(e instanceof Error?e:Error(String(e)))}}})]})})]})}async function K(e,t=200){return(await e.request(`ResolverLog`,{limit:t})).resolverLog}async function*ce(e){for await(let t of e.subscribe(`OnResolverLog`))yield t.onResolverLog}var le=500;function ue({client:e}){let[t,n]=(0,T.useState)([]),[r,i]=(0,T.useState)(null),[o,s]=(0,T.useState)(!1);return(0,T.useEffect)(()=>{let t=!0;K(e).then(e=>t&&n([...e].sort((e,t)=>t.startTime-e.startTime)),e=>t&&i(e instanceof Error?e:Error(String(e))));let r=ce(e);return(async()=>{try{s(!0);for await(let e of r){if(!t)break;n(t=>[e,...t.filter(t=>t.requestId!==e.requestId)].slice(0,le))}}catch{}finally{t&&s(!1)}})(),()=>{t=!1,r.return(void 0)}},[e]),(0,L.jsxs)(`section`,{"aria-labelledby":`logs-heading`,children:[(0,L.jsx)(`h2`,{id:`logs-heading`,children:`Resolver log`}),r&&(0,L.jsx)(R,{error:r}),(0,L.jsx)(a,{requests:t,live:o})]})}async function de(e,t=null){return(await e.request(`ListStateMachines`,{input:{maxResults:100,nextToken:t}})).listStateMachines}function fe(e,t){return e.request(`DescribeStateMachine`,{stateMachineArn:t})}async function pe(e,t,n,r=null){return(await e.request(`ListExecutions`,{input:{stateMachineArn:t,statusFilter:n,maxResults:100,nextToken:r}})).listExecutions}function me(e,t){return e.request(`GetExecution`,{executionArn:t})}async function he(e,t){return(await e.request(`StartExecution`,{input:t})).startExecution}async function ge(e,t){return(await e.request(`StopExecution`,{input:t})).stopExecution}async function _e(e,t){return(await e.request(`RedriveExecution`,{input:{executionArn:t}})).redriveExecution}async function*ve(e,t){for await(let n of e.subscribe(`OnExecutionUpdated`,{executionArn:t}))yield n.onExecutionUpdated}async function*ye(e,t){for await(let n of e.subscribe(`OnExecutionsChanged`,{stateMachineArn:t}))yield n.onExecutionsChanged}var q=e=>`#/stepfunctions/machine/${encodeURIComponent(e)}`,J=e=>`#/stepfunctions/execution/${encodeURIComponent(e)}`,Y=()=>Date.now()/1e3;function be({client:e}){let t=B(()=>de(e),[e]);return(0,L.jsxs)(`section`,{"aria-labelledby":`machines-heading`,children:[(0,L.jsxs)(`div`,{className:`section-header`,children:[(0,L.jsx)(`h2`,{id:`machines-heading`,children:`State machines`}),(0,L.jsx)(`button`,{type:`button`,onClick:t.reload,children:`Refresh`})]}),(0,L.jsx)(z,{state:t,children:e=>e.stateMachines.length===0?(0,L.jsx)(`p`,{className:`muted`,children:`No state machines. Declare them under server.stepFunctions, or create them with the AWS CLI.`}):(0,L.jsxs)(`table`,{className:`data`,"aria-label":`State machines`,children:[(0,L.jsx)(`thead`,{children:(0,L.jsxs)(`tr`,{children:[(0,L.jsx)(`th`,{scope:`col`,children:`Name`}),(0,L.jsx)(`th`,{scope:`col`,children:`Type`}),(0,L.jsx)(`th`,{scope:`col`,children:`Created`})]})}),(0,L.jsx)(`tbody`,{children:e.stateMachines.map(e=>(0,L.jsxs)(`tr`,{children:[(0,L.jsx)(`td`,{children:(0,L.jsx)(`a`,{href:q(e.stateMachineArn),children:e.name})}),(0,L.jsx)(`td`,{children:e.type}),(0,L.jsx)(`td`,{children:l(e.creationDate)})]},e.stateMachineArn))})]})})]})}function xe({client:e,stateMachineArn:t}){let n=(0,T.useId)(),r=(0,T.useId)(),[i,a]=(0,T.useState)(``),[o,s]=(0,T.useState)(`{}`),[c,l]=(0,T.useState)(null),u=async()=>{try{JSON.parse(o)}catch(e){l(`The input is not JSON: ${String(e)}`);return}try{let n=await he(e,{stateMachineArn:t,name:i||null,input:o});window.location.hash=J(n.executionArn)}catch(e){l(e instanceof Error?e.message:String(e))}};return(0,L.jsxs)(`form`,{className:`start-form`,"aria-label":`Start execution`,onSubmit:e=>{e.preventDefault(),u()},children:[(0,L.jsx)(`h3`,{children:`Start execution`}),(0,L.jsxs)(`span`,{className:`field`,children:[(0,L.jsx)(`label`,{htmlFor:n,children:`Name (optional)`}),(0,L.jsx)(`input`,{id:n,value:i,onChange:e=>a(e.target.value)})]}),(0,L.jsxs)(`span`,{className:`field column`,children:[(0,L.jsx)(`label`,{htmlFor:r,children:`Input (JSON)`}),(0,L.jsx)(`textarea`,{id:r,rows:5,value:o,spellCheck:!1,onChange:e=>s(e.target.value)})]}),c&&(0,L.jsx)(`p`,{className:`error`,role:`alert`,children:c}),(0,L.jsx)(`button`,{type:`submit`,children:`Start execution`})]})}function Se({client:e,stateMachineArn:n}){let r=B(()=>fe(e,n),[e,n]),[i,a]=(0,T.useState)(null),o=B(()=>pe(e,n,i),[e,n,i]),[s,l]=(0,T.useState)(new Map);(0,T.useEffect)(()=>{let t=ye(e,n),r=!0;return(async()=>{try{for await(let e of t){if(!r)break;l(t=>new Map(t).set(e.executionArn,e))}}catch{}})(),()=>{r=!1,t.return(void 0)}},[e,n]);let u=e=>{let t=new Map(e.map(e=>[e.executionArn,e]));for(let[e,n]of s)t.set(e,n);return[...t.values()].filter(e=>i===null||e.status===i).sort((e,t)=>t.startDate-e.startDate)};return(0,L.jsxs)(`section`,{"aria-labelledby":`machine-heading`,children:[(0,L.jsxs)(`nav`,{className:`crumbs`,"aria-label":`Breadcrumb`,children:[(0,L.jsx)(`a`,{href:`#/stepfunctions`,children:`State machines`}),` / `,(0,L.jsx)(`span`,{children:t(n)})]}),(0,L.jsx)(`h2`,{id:`machine-heading`,children:t(n)}),(0,L.jsx)(z,{state:r,children:e=>(0,L.jsx)(c,{detail:e})}),(0,L.jsx)(xe,{client:e,stateMachineArn:n}),(0,L.jsx)(z,{state:o,children:e=>(0,L.jsx)(f,{executions:u(e.executions),now:Y(),statusFilter:i,onFilter:a,executionHref:J})})]})}function Ce(e,t){if(t.length===0)return e;let n=e.length>0?e[e.length-1].id:0,r=t.filter(e=>e.id>n);return r.length===t.length&&t[0]?.id===1?t:r.length===0?e:[...e,...r]}function we({client:e,executionArn:n}){let r=B(()=>me(e,n),[e,n]),[i,a]=(0,T.useState)(null),[o,s]=(0,T.useState)([]),[c,l]=(0,T.useState)(Y()),[d,f]=(0,T.useState)(!1),[p,m]=(0,T.useState)(null);(0,T.useEffect)(()=>{r.value&&(a(r.value.describeExecution),s(r.value.getExecutionHistory.events))},[r.value]);let h=i?.status===`RUNNING`;(0,T.useEffect)(()=>{if(!h)return;let t=ve(e,n),i=window.setInterval(()=>l(Y()),500),o=!0;return(async()=>{try{for await(let e of t){if(!o)break;a(e.execution),s(t=>Ce(t,e.events))}}catch{r.reload()}})(),()=>{o=!1,window.clearInterval(i),t.return(void 0)}},[e,n,h]);let g=async e=>{f(!0),m(null);try{await e(),r.reload()}catch(e){m(e instanceof Error?e:Error(String(e)))}finally{f(!1)}},_=r.value?.describeStateMachineForExecution;return(0,L.jsxs)(`section`,{"aria-labelledby":`execution-heading`,children:[(0,L.jsxs)(`nav`,{className:`crumbs`,"aria-label":`Breadcrumb`,children:[(0,L.jsx)(`a`,{href:`#/stepfunctions`,children:`State machines`}),` /`,` `,_?(0,L.jsx)(`a`,{href:q(_.stateMachineArn),children:_.name}):`…`,` / `,(0,L.jsx)(`span`,{children:t(n)})]}),(0,L.jsx)(`h2`,{id:`execution-heading`,children:t(n)}),p&&(0,L.jsx)(R,{error:p}),r.error&&!i?(0,L.jsx)(R,{error:r.error}):i&&_?(0,L.jsx)(u,{execution:i,definition:_.definition,events:o,now:h?c:i.stopDate??c,actions:{busy:d,stop:()=>void g(()=>ge(e,{executionArn:n})),redrive:()=>void g(()=>_e(e,n))}}):(0,L.jsx)(`p`,{className:`muted`,role:`status`,children:`Loading…`})]})}function Te({client:e,parts:t}){return t[0]===`machine`&&t[1]?(0,L.jsx)(Se,{client:e,stateMachineArn:t[1]},t[1]):t[0]===`execution`&&t[1]?(0,L.jsx)(we,{client:e,executionArn:t[1]},t[1]):(0,L.jsx)(be,{client:e})}function Ee({client:e,parts:t}){return t[0]===`table`&&t[1]?(0,L.jsx)(G,{client:e,tableName:t[1]},t[1]):(0,L.jsx)(se,{client:e})}function De({client:e}){return(0,L.jsx)(ue,{client:e})}function X(e){let[t,n=``]=e.replace(/^#\/?/,``).split(`?`,2),r=t.split(`/`).filter(Boolean).map(decodeURIComponent),i=new URLSearchParams(n),a=r[0];return a===`stepfunctions`||a===`dynamodb`||a===`logs`?{section:a,parts:r.slice(1),params:i}:{section:`explorer`,parts:[],params:i}}function Oe(){let[e,t]=(0,T.useState)(()=>X(window.location.hash));return(0,T.useEffect)(()=>{let e=()=>t(X(window.location.hash));return window.addEventListener(`hashchange`,e),()=>window.removeEventListener(`hashchange`,e)},[]),e}var ke=`modulepreload`,Z=function(e,t){return new URL(e,t).href},Ae={},Q={},je=function(e){return e.pathname.endsWith(`.css`)},Me=function(e,t,n){if(t in e)return e[t];let r=n();if(!r){e[t]=void 0;return}let i=r.then(()=>{e[t]=void 0},n=>{throw delete e[t],n});return e[t]=i,i},$=function(e,t,n){let r=Promise.resolve();if(t&&t.length>0){let e,i=document.querySelector(`meta[property=csp-nonce]`),a=i?.nonce||i?.getAttribute(`nonce`);function o(e){return Promise.all(e.map(e=>Promise.resolve(e).then(e=>({status:`fulfilled`,value:e}),e=>({status:`rejected`,reason:e}))))}function s(e){return import.meta.resolve?new URL(import.meta.resolve(e)):new URL(e,import.meta.url)}r=o(t.map(t=>{t=Z(t,n);let r=s(t),i=je(r);return Me(Ae,r.href,()=>{if(e===void 0){e={all:new Set,styles:new Set};let t=document.getElementsByTagName(`link`);for(let n=t.length-1;n>=0;n--){let r=t[n];e.all.add(r.href),r.rel===`stylesheet`&&e.styles.add(r.href)}}let t=i?e.styles:e.all,n=i?Q[r.href]:void 0;if(!n&&t.has(r.href))return;let o=document.createElement(`link`);if(o.rel=i?`stylesheet`:ke,i||(o.as=`script`),o.crossOrigin=``,o.href=r.href,a&&o.setAttribute(`nonce`,a),n&&delete Q[r.href],n?.isConnected?n.replaceWith(o):document.head.appendChild(o),i)return new Promise((e,t)=>{let n=i=>{o.removeEventListener(`load`,n),o.removeEventListener(`error`,n),i.type===`error`?(Q[r.href]=o,t(Error(`Unable to preload CSS for ${r}`))):e(i)};o.addEventListener(`load`,n),o.addEventListener(`error`,n)})})}).filter(e=>e!==void 0))}function i(e){let t=new Event(`vite:preloadError`,{cancelable:!0});if(t.payload=e,window.dispatchEvent(t),!t.defaultPrevented)throw e}return r.then(t=>{for(let e of t||[])e.status===`rejected`&&i(e.reason);return e().catch(i)})},Ne=(0,T.lazy)(()=>$(()=>import(`./Explorer-DZnnIOlF.js`).then(e=>e.t),__vite__mapDeps([0,1,2,3]),import.meta.url)),Pe=[{id:`explorer`,title:`GraphQL explorer`,href:`#/explorer`},{id:`stepfunctions`,title:`Step Functions`,href:`#/stepfunctions`},{id:`dynamodb`,title:`DynamoDB`,href:`#/dynamodb`},{id:`logs`,title:`Resolver log`,href:`#/logs`}];function Fe({config:e,current:t}){return(0,L.jsxs)(`header`,{className:`app-header`,children:[(0,L.jsxs)(`div`,{className:`brand`,children:[(0,L.jsx)(`h1`,{children:e.apiName}),(0,L.jsxs)(`span`,{className:`version`,children:[`appsync-local `,e.version]})]}),(0,L.jsxs)(`dl`,{className:`endpoints`,"aria-label":`Endpoints`,children:[(0,L.jsxs)(`div`,{children:[(0,L.jsx)(`dt`,{children:`GraphQL`}),(0,L.jsx)(`dd`,{className:`mono`,children:e.endpoints.graphql})]}),(0,L.jsxs)(`div`,{children:[(0,L.jsx)(`dt`,{children:`Realtime`}),(0,L.jsx)(`dd`,{className:`mono`,children:e.endpoints.realtime})]}),e.endpoints.aws&&(0,L.jsxs)(`div`,{children:[(0,L.jsx)(`dt`,{children:`AWS endpoint`}),(0,L.jsx)(`dd`,{className:`mono`,children:e.endpoints.aws})]})]}),(0,L.jsx)(`nav`,{"aria-label":`Sections`,className:`sections`,children:Pe.map(e=>(0,L.jsx)(`a`,{href:e.href,"aria-current":e.id===t?`page`:void 0,children:e.title},e.id))})]})}function Ie(){let[e,t]=(0,T.useState)(null),[n,r]=(0,T.useState)(null),i=Oe();(0,T.useEffect)(()=>{M().then(t,e=>r(String(e)))},[]);let a=(0,T.useMemo)(()=>e?j(new URL(e.endpoints.console,window.location.href).href):null,[e]);return(0,T.useEffect)(()=>()=>a?.close(),[a]),(0,T.useEffect)(()=>{e&&(document.title=`${e.apiName} · appsync-local console`)},[e]),n?(0,L.jsxs)(`main`,{className:`fatal`,role:`alert`,children:[`The console could not read its configuration: `,n]}):!e||!a?(0,L.jsx)(`main`,{className:`fatal`,children:`Loading…`}):(0,L.jsxs)(`div`,{className:`app section-${i.section}`,children:[(0,L.jsx)(`a`,{className:`skip-link`,href:`#main`,children:`Skip to content`}),(0,L.jsx)(Fe,{config:e,current:i.section}),(0,L.jsxs)(`main`,{id:`main`,tabIndex:-1,children:[i.section===`explorer`&&(0,L.jsx)(T.Suspense,{fallback:(0,L.jsx)(`p`,{className:`muted`,role:`status`,children:`Loading the explorer…`}),children:(0,L.jsx)(Ne,{config:e,initialQuery:i.params.get(`query`)??void 0,initialVariables:i.params.get(`variables`)??void 0})}),i.section===`stepfunctions`&&(0,L.jsx)(Te,{client:a,parts:i.parts}),i.section===`dynamodb`&&(0,L.jsx)(Ee,{client:a,parts:i.parts}),i.section===`logs`&&(0,L.jsx)(De,{client:a})]})]})}(0,E.createRoot)(document.getElementById(`root`)).render((0,L.jsx)(T.StrictMode,{children:(0,L.jsx)(Ie,{})}));export{$ as t};