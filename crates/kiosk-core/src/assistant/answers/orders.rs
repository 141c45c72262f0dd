//! Online order status, and the offer to call staff when the kiosk cannot
//! help.

use crate::assistant::Action;
use crate::assistant::ActionStatus;
use crate::assistant::Assistant;
use crate::assistant::Draft;
use crate::assistant::EscalationReason;
use crate::assistant::Intent;
use crate::assistant::Pending;
use crate::assistant::Session;
use crate::assistant::understand::Reading;
use crate::traits::BackendError;

impl Assistant<'_> {
    pub(in crate::assistant) fn order_status(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::OrderStatus;
        d.confidence = 0.9;
        if !self.stock.has_orders() {
            // Nothing to look in, whatever the number: say so, and offer a
            // person who can.
            d.say("order_no_data", &[]);
            self.offer_staff(session, d);
            d.resolved = false;
            return Ok(());
        }
        let Some(id) = reading.order_id.as_deref() else {
            d.say("order_need_number", &[]);
            session.pending = Some(Pending::OrderNumber);
            return Ok(());
        };
        let id = id.trim_start_matches('#');
        match self.stock.order(id)? {
            Some(order) => match &order.updated_at {
                Some(updated) => d.say(
                    "order_status",
                    &[
                        ("order", &order.id),
                        ("status", &order.status),
                        ("updated", updated),
                    ],
                ),
                None => d.say(
                    "order_status_no_date",
                    &[("order", &order.id), ("status", &order.status)],
                ),
            },
            None => {
                d.say("order_not_found", &[("order", id)]);
                self.offer_staff(session, d);
                d.resolved = false;
            }
        }
        Ok(())
    }

    /// "Shall I call a staff member?", with the button, waiting for a yes.
    pub(in crate::assistant) fn offer_staff(&self, session: &mut Session, d: &mut Draft) {
        d.say("staff_offer", &[]);
        d.chip("chip_call_staff");
        d.actions.push(Action::CallStaff {
            status: ActionStatus::Offered,
            reason: EscalationReason::Requested,
        });
        session.pending = Some(Pending::StaffOffer);
    }
}

#[cfg(test)]
mod tests;
