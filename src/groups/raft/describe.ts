import type { LogIndex, Message } from './types.js'

/**
 * One compact line per message for logs, transcripts and devtools, in mosaik's style:
 * `AppendEntries[t=3/pos=2:7/n=1/c=7]` (term, previous position as term:index, entry count,
 * leader commit). Sender and receiver are not included; callers prefix them when useful.
 */
export function describe<C>(message: Message<C>): string {
  switch (message.type) {
    case 'appendEntries': {
      const probe = message.probe === undefined ? '' : `/p=${message.probe}`
      const quiet = message.quiet ? '/quiet' : ''
      return `AppendEntries[t=${message.term}/pos=${message.prevTerm}:${message.prevIndex}/n=${message.entries.length}/c=${message.commit}${probe}${quiet}]`
    }
    case 'appendEntriesResponse': {
      const outcome = message.success ? 'ok' : message.lagging ? 'lagging' : 'rejected'
      const probe = message.probe === undefined ? '' : `/p=${message.probe}`
      return `AppendEntriesResponse[t=${message.term}/${outcome}/last=${message.lastIndex}${probe}]`
    }
    case 'needsSnapshot':
      return `NeedsSnapshot[t=${message.term}/at=${message.snapshotTerm}:${message.index}]`
    case 'requestVote':
      return `RequestVote[t=${message.term}/log=${message.lastTerm}:${message.lastIndex}]`
    case 'vote':
      return `Vote[t=${message.term}/${message.vote}${message.learner ? '/learner' : ''}]`
    case 'forwardCommand':
      return `ForwardCommand[t=${message.term}/id=${message.requestId}/n=${message.commands.length}]`
    case 'forwardCommandAck':
      return `ForwardCommandAck[t=${message.term}/id=${message.requestId}/ix=${range(message.indices)}]`
    case 'readIndex':
      return `ReadIndex[t=${message.term}/id=${message.requestId}]`
    case 'readIndexAck':
      return `ReadIndexAck[t=${message.term}/id=${message.requestId}/ix=${message.index ?? 'none'}]`
  }
}

function range(indices: readonly LogIndex[] | undefined): string {
  if (!indices) return 'none'
  const first = indices[0]
  const last = indices[indices.length - 1]
  if (first === undefined || last === undefined) return 'none'
  return first === last ? `${first}` : `${first}..${last}`
}
