/** Builders for Inbox v1 shapes (reference.md §5, §8), shared by the replies tests. */
import type { InboxEvent, Message, Thread } from "../../../src/inbox/types.js";

export const ACCOUNT = "df6jbw4h36qm5d9iu2sgn7kx";
export const PROSPECT_X_ID = "1876543210987654321";

export function thread(over: Partial<Thread> = {}): Thread {
  return {
    id: "thr_1",
    platform: "twitter",
    platformId: "c1",
    done: false,
    assigneeId: null,
    lastMessageTimestamp: null,
    computedSortTimestamp: null,
    createdAt: "2025-01-15T14:00:00.000Z",
    status: "active",
    variant: "xChat",
    accountLinkId: ACCOUNT,
    isSyncing: false,
    isRequest: false,
    typingIndicatorsEnabled: null,
    lastMessage: null,
    prospect: {
      platform: "twitter",
      platformId: PROSPECT_X_ID,
      externalId: "n7kx",
      username: "sarahchen",
      context: { tags: [], statusId: null, valuation: null, notes: null },
    } as unknown as Thread["prospect"],
    ...over,
  };
}

export function message(over: Partial<Message> = {}): Message {
  return {
    platform: "twitter",
    teamId: "team_1",
    threadId: "thr_1",
    id: "msg_1",
    userId: null,
    createdAt: "2025-01-15T14:30:00.000Z",
    updatedAt: null,
    platformId: null,
    content: "Sounds good, send details",
    campaignId: null,
    authorId: PROSPECT_X_ID,
    origin: "external",
    replyData: null,
    forwardData: null,
    entities: null,
    attachment: null,
    reactions: [],
    isEncrypted: null,
    isEdited: false,
    deletedAt: null,
    platformDeletedAt: null,
    ...over,
  };
}

export function event(seq: number, over: Partial<InboxEvent> = {}, data?: unknown): InboxEvent {
  return {
    id: `evt_${seq}`,
    seq,
    teamId: "team_1",
    type: "message.created",
    timestamp: "2025-01-15T14:30:00.000Z",
    version: "1.0",
    data: data ?? { message: message({ id: `msg_${seq}` }), thread: thread() },
    ...over,
  };
}
