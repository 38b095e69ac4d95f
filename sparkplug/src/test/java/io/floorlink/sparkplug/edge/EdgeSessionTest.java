package io.floorlink.sparkplug.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.edge.EdgeSession.StateChange;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EdgeSessionTest {

    private static EdgeSession bornWithHost(long stateTs) {
        EdgeSession s = new EdgeSession("host", 0);
        s.sessionUp(s.connectionEstablished());
        s.subscriptionsAcknowledged();
        assertThat(s.state(new StateMessage(true, stateTs))).isEqualTo(StateChange.ONLINE);
        s.nodeBirth();
        return s;
    }

    @Test
    @DisplayName("topics-nbirth-bdseq-increment: bdSeq starts at the stored value and +1 on every new CONNECT")
    void topics_nbirth_bdseq_increment() {
        EdgeSession s = new EdgeSession(null, 0);
        assertThat(s.willBdSeq()).isZero();
        assertThat(s.bdSeqToStore()).as("stored before the first CONNECT").isEqualTo(1);
        assertThat(s.connectionEstablished()).isZero();
        s.sessionUp(0);
        s.subscriptionsAcknowledged();
        assertThat(s.nodeBirth()).isZero();
        assertThat(s.bdSeq()).isZero();

        assertThat(s.connectionEnded(false))
                .as("lost: the next CONNECT has the next bdSeq")
                .isTrue();
        assertThat(s.willBdSeq()).isEqualTo(1);
        assertThat(s.bdSeqToStore()).isEqualTo(2);
        assertThat(s.connectionEnded(false))
                .as("a failed attempt does not advance")
                .isFalse();
        assertThat(s.willBdSeq()).isEqualTo(1);

        assertThat(s.connectionEstablished()).isEqualTo(1);
        assertThat(s.connectionEnded(true))
                .as("a clean close: no further CONNECT in this run, the stored value is the next run's")
                .isFalse();
        assertThat(s.willBdSeq()).isEqualTo(1);
        assertThat(new EdgeSession(null, s.bdSeqToStore()).willBdSeq()).isEqualTo(2);
    }

    @Test
    @DisplayName("topics-nbirth-bdseq-increment: bdSeq wraps 255 to 0")
    void topics_nbirth_bdseq_increment_wraps() {
        EdgeSession s = new EdgeSession(null, 255);
        assertThat(s.bdSeqToStore()).isZero();
        s.connectionEstablished();
        s.connectionEnded(false);
        assertThat(s.willBdSeq()).isZero();
        assertThatThrownBy(() -> new EdgeSession(null, 256)).hasMessageContaining("0..255");
    }

    @Test
    @DisplayName("payloads-sequence-num-req-nbirth / payloads-sequence-num-incrementing: NBIRTH seq 0, then +1 wrapping"
            + " at 255")
    void payloads_sequence_num_incrementing_and_wrapping() {
        EdgeSession s = new EdgeSession(null, 0);
        assertThatThrownBy(s::nextSeq).as("no seq before the NBIRTH").isInstanceOf(IllegalStateException.class);
        s.sessionUp(s.connectionEstablished());
        s.subscriptionsAcknowledged();
        assertThat(s.nodeBirth()).isZero();
        for (int i = 1; i <= 255; i++) {
            assertThat(s.nextSeq()).isEqualTo(i);
        }
        assertThat(s.nextSeq()).isZero();
        assertThat(s.nextSeq()).isEqualTo(1);
        s.sessionDown();
        s.sessionUp(s.connectionEstablished());
        s.subscriptionsAcknowledged();
        assertThat(s.nodeBirth()).as("a new NBIRTH starts at 0 again").isZero();
        assertThat(s.nextSeq()).isEqualTo(1);
    }

    @Test
    @DisplayName("operational-behavior-edge-node-birth-sequence-wait: birth only when connected, subscribed and the"
            + " primary host online")
    void operational_behavior_edge_node_birth_sequence_wait() {
        EdgeSession s = new EdgeSession("host", 0);
        assertThat(s.mayBirth()).isFalse();
        s.sessionUp(s.connectionEstablished());
        assertThat(s.mayBirth()).as("not subscribed").isFalse();
        s.subscriptionsAcknowledged();
        assertThat(s.mayBirth()).as("no STATE yet").isFalse();
        assertThatThrownBy(s::nodeBirth).isInstanceOf(IllegalStateException.class);
        assertThat(s.state(new StateMessage(true, 100))).isEqualTo(StateChange.ONLINE);
        assertThat(s.mayBirth()).isTrue();
        s.nodeBirth();
        assertThat(s.mayBirth()).as("born").isFalse();

        EdgeSession noHost = new EdgeSession(null, 0);
        noHost.sessionUp(noHost.connectionEstablished());
        noHost.subscriptionsAcknowledged();
        assertThat(noHost.mayBirth())
                .as("no primary host: connected and subscribed suffice")
                .isTrue();
    }

    @Test
    @DisplayName(
            "message-flow-edge-node-birth-publish-phid-wait-timestamp / operational-behavior-edge-node-termination-host-offline-timestamp: a STATE older than the last seen is ignored")
    void stateTimestampsGateTheBirth() {
        EdgeSession s = bornWithHost(100);
        assertThat(s.state(new StateMessage(false, 99))).as("stale offline").isEqualTo(StateChange.IGNORED);
        assertThat(s.hostOnline()).isTrue();
        assertThat(s.state(new StateMessage(true, 100)))
                .as("the retained STATE again, same timestamp")
                .isEqualTo(StateChange.ONLINE);
        assertThat(s.state(new StateMessage(false, 101))).isEqualTo(StateChange.OFFLINE);
        assertThat(s.hostOnline()).isFalse();
        s.nodeDeath();
        assertThat(s.mayPublishData()).isFalse();
        s.sessionDown();
        s.sessionUp(s.connectionEstablished());
        s.subscriptionsAcknowledged();
        assertThat(s.state(new StateMessage(true, 100)))
                .as("an old online STATE after the offline one")
                .isEqualTo(StateChange.IGNORED);
        assertThat(s.mayBirth()).isFalse();
        assertThat(s.state(new StateMessage(true, 102))).isEqualTo(StateChange.ONLINE);
        assertThat(s.mayBirth()).isTrue();
    }

    @Test
    @DisplayName("A STATE online with a newer timestamp while born is a new primary host session")
    void newHostSessionWhileBorn() {
        EdgeSession s = bornWithHost(100);
        assertThat(s.state(new StateMessage(true, 100))).isEqualTo(StateChange.ONLINE);
        assertThat(s.state(new StateMessage(true, 150))).isEqualTo(StateChange.NEW_HOST_SESSION);
        assertThat(s.state(new StateMessage(true, 150))).isEqualTo(StateChange.ONLINE);
        assertThat(s.mayPublishData()).isTrue();
    }

    @Test
    @DisplayName("operational-behavior-data-commands-rebirth-action-1: after a rebirth request no DATA until the"
            + " NBIRTH")
    void operational_behavior_data_commands_rebirth_action_1() {
        EdgeSession s = bornWithHost(1);
        s.nextSeq();
        assertThat(s.mayPublishData()).isTrue();
        assertThat(s.rebirthRequested()).isTrue();
        assertThat(s.mayPublishData()).as("rebirth pending").isFalse();
        assertThat(s.mayBirth()).isTrue();
        assertThat(s.nodeBirth()).isZero();
        assertThat(s.mayPublishData()).isTrue();

        EdgeSession unborn = new EdgeSession(null, 0);
        assertThat(unborn.rebirthRequested()).as("not born: nothing to do").isFalse();
        assertThat(unborn.mayPublishData()).isFalse();
    }

    @Test
    @DisplayName("payloads-alias-uniqueness / payloads-alias-birth-requirement: aliases unique across node and devices,"
            + " stable while the node runs")
    void payloads_alias_uniqueness() {
        EdgeSession s = new EdgeSession(null, 0);
        Set<Long> seen = new HashSet<>();
        for (String device : new String[] {null, "SEW-01", "SEW-02"}) {
            for (String metric : List.of("motor_speed", "_health/connected", "_buffer/records")) {
                assertThat(seen.add(s.alias(device, metric))).isTrue();
            }
        }
        assertThat(s.alias("SEW-01", "motor_speed")).isEqualTo(s.alias("SEW-01", "motor_speed"));
        s.sessionUp(s.connectionEstablished());
        s.sessionDown();
        assertThat(seen).contains(s.alias("SEW-02", "_health/connected"));
    }
}
