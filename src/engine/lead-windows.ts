import type { SendingWindow } from "../config/types.js";
import type { Lead } from "../leads/types.js";

/** A lead is messaged inside its own local window when the CSV gives its zone; otherwise the campaign's. */
export class LeadWindows {
  private readonly byZone = new Map<string, SendingWindow>();

  constructor(private readonly campaignWindow: SendingWindow) {}

  for(lead: Pick<Lead, "timezone">): SendingWindow {
    const zone = lead.timezone;
    if (!zone || zone === this.campaignWindow.timezone) return this.campaignWindow;
    let w = this.byZone.get(zone);
    if (!w) {
      w = { ...this.campaignWindow, timezone: zone };
      this.byZone.set(zone, w);
    }
    return w;
  }
}
