package dev.coexist.coexistence;

/**
 * One entry of a WhatsApp {@code errors[]} array; {@code details} is {@code error_data.details}.
 */
public record ApiError(Integer code, String title, String message, String details, String href) {}
