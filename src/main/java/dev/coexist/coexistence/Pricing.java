package dev.coexist.coexistence;

/** {@code statuses[].pricing}; values verbatim (CBP/PMP, regular/free_*, marketing/utility/...). */
public record Pricing(Boolean billable, String pricingModel, String type, String category) {}
