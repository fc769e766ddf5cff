//! Every public type can be shared across threads (a service plans and sends from worker
//! threads) and printed. `Transport` is a trait: implementations choose for themselves.

use crm_mail::*;

fn assert_send_sync<T: Send + Sync + std::fmt::Debug>() {}

#[test]
fn public_types_are_send_sync_and_debug() {
    assert_send_sync::<AddressPolicy>();
    assert_send_sync::<AddressProblem>();
    assert_send_sync::<Attachment>();
    assert_send_sync::<BranchContext>();
    assert_send_sync::<BranchMessage>();
    assert_send_sync::<Calendar>();
    assert_send_sync::<Channel>();
    assert_send_sync::<DebitNotice>();
    assert_send_sync::<DebitRejects>();
    assert_send_sync::<Directory>();
    assert_send_sync::<DirectoryRow>();
    assert_send_sync::<EmailError>();
    assert_send_sync::<Error>();
    assert_send_sync::<Folder>();
    assert_send_sync::<LogEntry>();
    assert_send_sync::<Plan>();
    assert_send_sync::<PlanEntry>();
    assert_send_sync::<Problem>();
    assert_send_sync::<Recipients>();
    assert_send_sync::<Rendered>();
    assert_send_sync::<RunSummary>();
    assert_send_sync::<Security>();
    assert_send_sync::<SendError>();
    assert_send_sync::<SendLog>();
    assert_send_sync::<SendOptions>();
    assert_send_sync::<Smtp>();
    assert_send_sync::<SmtpConfig>();
    assert_send_sync::<State>();
    assert_send_sync::<SummaryTable>();
    assert_send_sync::<Templates>();
    assert_send_sync::<TextBatch>();
    assert_send_sync::<TextProblem>();
    assert_send_sync::<TextTemplate>();
}
