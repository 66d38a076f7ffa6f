import QtQuick
import "../components"

Item {
    objectName: "screen_queue"
    Column {
        width: parent.width
        spacing: units.mm(6)
        Heading { text: i18n.t.queue_title }
        Body {
            text: queue.ticket.length > 0 ? i18n.t.queue_ticket_printed : i18n.t.queue_body
        }
        Text {
            objectName: "queueTicket"
            visible: queue.ticket.length > 0
            color: theme.c.text
            font.pixelSize: units.huge_px * 1.6
            font.bold: true
            text: queue.ticket
        }
        Body {
            objectName: "queueAhead"
            visible: queue.ticket.length > 0 && queue.ahead.length > 0
            width: parent.width
            font.pixelSize: units.huge_px * 0.8
            font.bold: true
            text: queue.ahead
        }
        Body {
            objectName: "queueMessage"
            visible: queue.message.length > 0
            color: theme.c.danger
            font.bold: true
            text: queue.message
        }
        Grid {
            visible: queue.ticket.length === 0
            width: parent.width
            columns: 2
            spacing: units.mm(5)
            Repeater {
                model: queue.fields
                KButton {
                    required property var modelData
                    objectName: "queue_" + modelData.id
                    width: (parent.width - units.mm(5)) / 2
                    minHeight: units.mm(26)
                    text: modelData.title
                    enabledState: !queue.busy
                    onClicked: queue.choose(modelData.id)
                }
            }
        }
    }
    NavBar {
        anchors.bottom: parent.bottom
        width: parent.width
        showBack: queue.ticket.length === 0
        nextText: queue.ticket.length > 0 ? i18n.t.nav_finish : ""
        onBack: flow.back()
        onNext: flow.home()
    }
}
