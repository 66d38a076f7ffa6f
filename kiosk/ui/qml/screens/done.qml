import QtQuick
import "../components"

Item {
    objectName: "screen_done"
    Row {
        anchors.fill: parent
        anchors.bottomMargin: nav.height
        spacing: units.mm(10)
        Column {
            width: parent.width - slip.width - parent.spacing
            spacing: units.mm(5)
            Heading {
                objectName: "doneTitle"
                color: theme.c.text
                font.pixelSize: units.huge_px
                text: "✓ " + i18n.t.done_title
            }
            Body { text: i18n.t.done_code_label }
            Text {
                objectName: "doneCode"
                color: theme.c.text
                font.pixelSize: units.huge_px
                font.bold: true
                text: done.code
            }
            Body {
                objectName: "doneAppointment"
                text: i18n.t.done_appointment.arg(done.appointment)
            }
            Rectangle {
                objectName: "donePrintState"
                width: parent.width
                height: ps.implicitHeight + units.mm(6)
                radius: units.mm(2)
                color: done.printState === "failed" ? theme.c.danger : theme.c.surface
                Body {
                    id: ps
                    anchors.centerIn: parent
                    width: parent.width - units.mm(6)
                    color: done.printState === "failed" ? theme.c.danger_text : theme.c.text
                    text: done.printState === "printing" ? i18n.t.done_printing
                          : done.printState === "printed" ? i18n.t.done_printed
                          : i18n.t.done_print_failed
                }
            }
            KButton {
                objectName: "callOfficerButton"
                visible: done.printState === "failed"
                kind: "danger"
                text: i18n.t.nav_call_officer
                onClicked: done.callOfficer()
            }
        }
        Rectangle {
            id: slip
            width: units.mm(80)
            height: parent.height
            color: "#FFFFFF"
            border.color: theme.c.border
            border.width: units.mm(0.5)
            Image {
                objectName: "slipImage"
                anchors.fill: parent
                anchors.margins: units.mm(2)
                fillMode: Image.PreserveAspectFit
                cache: false
                source: done.slipUrl
            }
        }
    }
    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: parent.width
        showBack: false
        nextText: i18n.t.nav_finish
        nextEnabled: done.printState !== "printing"
        onNext: flow.next()
    }
}
