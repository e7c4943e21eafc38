/**
 * An SQL condition that picks the rows of a partner's customers by their `customer_id`; its one
 * parameter (`?`) is the partner id.
 *
 * @example
 * `DELETE FROM users WHERE ${ofPartner}`; // run with [partnerId]
 */
export const ofPartner = 'customer_id IN (SELECT id FROM customers WHERE partner_id = ?)';
