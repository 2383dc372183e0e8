package dev.coexist.coexistence;

/** The wrapper a delivery arrived in; both are accepted on every route. */
public enum Envelope {
  /**
   * {@code {"object":"whatsapp_business_account","entry":[{"id","changes":[{"field","value"}]}]}}
   */
  META,
  /** 360dialog partner webhook: {@code {"id":"<event id>","event":"<name>","data":{...}}} */
  PARTNER
}
