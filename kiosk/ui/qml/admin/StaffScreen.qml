import QtQuick

// Field staff: citizens' calls (handled, reprint a slip), the queue numbers waiting (seen, left),
// then sync: the link, the queue, quarantined applications (retry, export), send now, USB.
Item {
    id: staffScreen
    objectName: "screen_admin_staff"
    readonly property bool portrait: width < height

    Column {
        id: staffCol
        width: staffScreen.portrait ? staffScreen.width : staffScreen.width * 0.42
        spacing: units.mm(3)

        // Citizens calling for staff come first: someone is waiting at the kiosk.
        Rectangle {
            objectName: "staffCalls"
            width: staffCol.width
            height: callsCol.implicitHeight + units.mm(4)
            radius: units.mm(2)
            color: staff.calls.length > 0 ? theme.c.surface : theme.c.background
            border.color: staff.calls.length > 0 ? theme.c.danger : theme.c.border
            border.width: units.mm(staff.calls.length > 0 ? 0.8 : 0.3)
            Column {
                id: callsCol
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.margins: units.mm(2)
                spacing: units.mm(2)
                Text {
                    objectName: "callsTitle"
                    width: parent.width
                    wrapMode: Text.WordWrap
                    color: theme.c.text
                    font.pixelSize: units.small_px
                    font.bold: true
                    text: staff.calls.length > 0 ? adminI18n.t.calls_title.arg(staff.calls.length)
                                                 : adminI18n.t.calls_none
                }
                Repeater {
                    model: staff.calls
                    Column {
                        required property var modelData
                        objectName: "call_" + modelData.id
                        width: callsCol.width
                        spacing: units.mm(1)
                        Text {
                            width: parent.width
                            wrapMode: Text.WordWrap
                            color: theme.c.text
                            font.pixelSize: units.small_px
                            font.bold: true
                            text: modelData.time + " — " + modelData.reason
                        }
                        Text {
                            width: parent.width
                            wrapMode: Text.WordWrap
                            color: theme.c.muted
                            font.pixelSize: units.small_px * 0.85
                            text: modelData.screen
                        }
                        Flow {
                            width: parent.width
                            spacing: units.mm(2)
                            AButton {
                                objectName: "reprint_" + modelData.code
                                visible: modelData.can_reprint
                                enabledState: !staff.busy
                                text: adminI18n.t.call_reprint
                                onClicked: staff.reprint(modelData.code)
                            }
                            AButton {
                                objectName: "handled_" + modelData.id
                                kind: "ok"
                                text: adminI18n.t.call_handled
                                onClicked: staff.handle_call(modelData.id)
                            }
                        }
                    }
                }
            }
        }

        Rectangle {
            objectName: "staffLink"
            width: staffCol.width
            height: linkText.implicitHeight + units.mm(4)
            radius: units.mm(2)
            color: staff.link === "online" ? theme.c.ok
                   : staff.link === "unknown" ? theme.c.surface : theme.c.danger
            Text {
                id: linkText
                anchors.centerIn: parent
                width: parent.width - units.mm(4)
                wrapMode: Text.WordWrap
                color: staff.link === "online" ? theme.c.ok_text
                       : staff.link === "unknown" ? theme.c.text : theme.c.danger_text
                font.pixelSize: units.small_px
                font.bold: true
                text: adminI18n.t.link_label + ": " + staff.link_text
            }
        }
        ALabel {
            objectName: "staffQueue"
            width: staffCol.width
            text: adminI18n.t.queue_label + ": " + (staff.queue.length === 0 ? adminI18n.t.queue_empty
                  : staff.queue.map(function (q) { return q.label + " " + q.count }).join(" · "))
        }
        ALabel {
            objectName: "staffOldest"
            width: staffCol.width
            text: adminI18n.t.oldest_label + ": " + staff.oldest_waiting
        }
        ALabel {
            objectName: "staffLastSuccess"
            width: staffCol.width
            text: adminI18n.t.last_success_label + ": " + staff.last_success
        }
        ALabel {
            objectName: "staffClock"
            width: staffCol.width
            visible: staff.clock_warning.length > 0
            text: staff.clock_warning
        }
        ALabel {
            objectName: "staffSetAside"
            width: staffCol.width
            visible: staff.set_aside.length > 0
            text: staff.set_aside
        }
        AButton {
            objectName: "sendNowButton"
            kind: "ok"
            text: adminI18n.t.send_now
            onClicked: staff.send_now()
        }
        Rectangle {
            objectName: "staffMessage"
            visible: staff.message.length > 0
            width: staffCol.width
            height: staffMsg.implicitHeight + units.mm(4)
            radius: units.mm(2)
            color: staff.ok ? theme.c.surface : theme.c.danger
            Text {
                id: staffMsg
                anchors.centerIn: parent
                width: parent.width - units.mm(4)
                wrapMode: Text.WordWrap
                color: staff.ok ? theme.c.text : theme.c.danger_text
                font.pixelSize: units.small_px * 0.85
                text: staff.message
            }
        }

        Text {
            color: theme.c.text
            font.pixelSize: units.small_px
            font.bold: true
            text: adminI18n.t.usb_title
        }
        Flow {
            width: staffCol.width
            spacing: units.mm(2)
            Repeater {
                model: staff.folders
                AButton {
                    required property string modelData
                    required property int index
                    objectName: "folder_" + index
                    width: Math.min(implicitWidth, staffCol.width)
                    kind: "secondary"
                    selected: staff.folder === modelData
                    text: modelData
                    onClicked: staff.choose_folder(modelData)
                }
            }
            AButton {
                objectName: "refreshFoldersButton"
                kind: "secondary"
                text: adminI18n.t.refresh
                onClicked: staff.refresh_folders()
            }
        }
        ALabel {
            objectName: "usbFolder"
            width: staffCol.width
            text: staff.folder.length > 0 ? adminI18n.t.usb_folder + ": " + staff.folder : adminI18n.t.usb_none
        }
        Flow {
            width: staffCol.width
            spacing: units.mm(2)
            AButton {
                objectName: "exportUsbButton"
                enabledState: staff.folder.length > 0 && !staff.busy
                text: adminI18n.t.usb_export
                onClicked: staff.export_usb()
            }
            Repeater {
                model: staff.ack_files
                AButton {
                    required property string modelData
                    required property int index
                    objectName: "ack_" + index
                    enabledState: !staff.busy
                    kind: "secondary"
                    text: adminI18n.t.usb_import + " " + modelData
                    onClicked: staff.import_ack(modelData)
                }
            }
        }
    }

    Rectangle {
        id: side
        anchors.left: staffScreen.portrait ? staffScreen.left : staffCol.right
        anchors.leftMargin: staffScreen.portrait ? 0 : units.mm(4)
        anchors.right: parent.right
        anchors.top: staffScreen.portrait ? staffCol.bottom : staffScreen.top
        anchors.topMargin: staffScreen.portrait ? units.mm(4) : 0
        anchors.bottom: parent.bottom
        color: theme.c.surface
        border.color: theme.c.border
        border.width: units.mm(0.3)

        Flickable {
            id: sideFlick
            anchors.fill: parent
            anchors.margins: units.mm(3)
            contentHeight: sideCol.implicitHeight
            boundsBehavior: Flickable.StopAtBounds
            clip: true
            Column {
                id: sideCol
                width: sideFlick.width
                spacing: units.mm(2)

                // Queue numbers still waiting: the ticket's "people ahead" counts these.
                Text {
                    objectName: "ticketsTitle"
                    width: parent.width
                    wrapMode: Text.WordWrap
                    color: theme.c.text
                    font.pixelSize: units.small_px
                    font.bold: true
                    text: staff.tickets.length > 0 ? adminI18n.t.tickets_title.arg(staff.tickets.length)
                                                   : adminI18n.t.tickets_none
                }
                Repeater {
                    model: staff.tickets
                    Rectangle {
                        required property var modelData
                        objectName: "ticket_" + modelData.label
                        width: sideCol.width
                        height: ticketRow.implicitHeight + units.mm(3)
                        radius: units.mm(2)
                        color: theme.c.background
                        border.color: theme.c.border
                        border.width: units.mm(0.3)
                        Flow {
                            id: ticketRow
                            anchors.left: parent.left
                            anchors.right: parent.right
                            anchors.verticalCenter: parent.verticalCenter
                            anchors.margins: units.mm(2)
                            spacing: units.mm(2)
                            Text {
                                height: units.mm(12)
                                verticalAlignment: Text.AlignVCenter
                                color: theme.c.text
                                font.pixelSize: units.small_px
                                font.bold: true
                                text: modelData.label
                            }
                            Text {
                                height: units.mm(12)
                                verticalAlignment: Text.AlignVCenter
                                color: theme.c.muted
                                font.pixelSize: units.small_px * 0.85
                                text: modelData.time
                            }
                            AButton {
                                objectName: "served_" + modelData.label
                                kind: "ok"
                                minWidth: units.mm(24)
                                text: adminI18n.t.ticket_served
                                onClicked: staff.finish_ticket(modelData.field, modelData.number, "served")
                            }
                            AButton {
                                objectName: "left_" + modelData.label
                                kind: "secondary"
                                minWidth: units.mm(24)
                                text: adminI18n.t.ticket_cancelled
                                onClicked: staff.finish_ticket(modelData.field, modelData.number, "cancelled")
                            }
                        }
                    }
                }

                Item { width: 1; height: units.mm(3) }

                Text {
                    id: qTitle
                    objectName: "quarantineTitle"
                    color: theme.c.text
                    font.pixelSize: units.small_px
                    font.bold: true
                    text: adminI18n.t.quarantine_title.arg(staff.quarantined.length)
                }
                Column {
                    objectName: "quarantineList"
                    width: sideCol.width
                    spacing: units.mm(2)
                    Repeater {
                        model: staff.quarantined
                        Rectangle {
                            required property var modelData
                            objectName: "quarantined_" + modelData.code
                            width: sideCol.width
                            height: qcol.implicitHeight + units.mm(4)
                            radius: units.mm(2)
                            color: theme.c.background
                            border.color: theme.c.danger
                            border.width: units.mm(0.4)
                            Column {
                                id: qcol
                                anchors.left: parent.left
                                anchors.right: parent.right
                                anchors.top: parent.top
                                anchors.margins: units.mm(2)
                                spacing: units.mm(1)
                                Text {
                                    color: theme.c.text
                                    font.pixelSize: units.small_px
                                    font.bold: true
                                    text: modelData.code + "  (#" + modelData.seq + ")"
                                }
                                Text {
                                    width: parent.width
                                    wrapMode: Text.WordWrap
                                    color: theme.c.muted
                                    font.pixelSize: units.small_px * 0.8
                                    text: adminI18n.t.reason_label + ": " + modelData.reason
                                }
                                Row {
                                    spacing: units.mm(2)
                                    AButton {
                                        objectName: "retry_" + modelData.code
                                        text: adminI18n.t.retry
                                        onClicked: staff.retry(modelData.code)
                                    }
                                    AButton {
                                        objectName: "export_" + modelData.code
                                        kind: "secondary"
                                        enabledState: staff.folder.length > 0 && !staff.busy
                                        text: adminI18n.t.export_one
                                        onClicked: staff.export_one(modelData.code)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
